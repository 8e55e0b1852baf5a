import Manifest

/// build image / buildspec / policy.
enum BuildCommands {
    static func image(_ invocation: Invocation, _ session: Session) async throws {
        let image = invocation.required("IMAGE")
        try session.edit("build image: \(image)", unchanged: "build image is \(image)") {
            try $0.setBuildImage(image)
        }
    }

    static func buildspec(_ invocation: Invocation, _ session: Session) async throws {
        let path = invocation.required("PATH")
        try session.edit("build buildspec: \(path)", unchanged: "build buildspec is \(path)") {
            try $0.setBuildspecPath(path)
        }
    }

    static func policy(_ invocation: Invocation, _ session: Session) async throws {
        let path = invocation.required("FILE")
        let text = try session.readTextFile(path, at: invocation.location(of: "FILE"))
        try session.edit("build policy from \(path)", unchanged: "build policy is already \(path)'s") {
            try $0.setAdditionalPolicy(fromFileContent: text, file: path)
        }
    }
}
