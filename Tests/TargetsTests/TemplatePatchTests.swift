import Foundation
import XCTest
import TestSupport
import Manifest
@testable import Targets

/// YAML patch overrides applied as Copilot applies them: every case of Copilot's own
/// internal/pkg/override/patch_test.go (TestPatch_Override), its inputs and expected outputs or
/// error texts as Copilot's test gives them (commit 4c858e7, the reference's).
final class TemplatePatchTests: XCTestCase {
    struct Case {
        var name: String
        var template: String
        var patches: String
        var expected: String?
        var error: String?

        init(_ name: String, template: String, patches: String, expected: String) {
            (self.name, self.template, self.patches, self.expected) = (name, template, patches, expected)
        }

        init(_ name: String, template: String, patches: String, error: String) {
            (self.name, self.template, self.patches, self.error) = (name, template, patches, error)
        }
    }

    static let copilotCases: [Case] = [
        Case("add to map",
             template: #"""
            Resources:
              TaskDef:
                Type: AWS::ECS::TaskDefinition
            """#,
             patches: #"""
            - op: add
              path: /Resources/TaskDef
              value:
                Properties:
                  Prop1: value
                  Prop2: false
            """#,
             expected: #"""
            Resources:
              TaskDef:
                Properties:
                  Prop1: value
                  Prop2: false
            """#),
        Case("add to map in pointer",
             template: #"""
            Resources:
              TaskDef:
                Type: AWS::ECS::TaskDefinition
            """#,
             patches: #"""
            - op: add
              path: /Resources/TaskDef/Properties
              value:
                Prop1: value
                Prop2: false
            """#,
             expected: #"""
            Resources:
              TaskDef:
                Type: AWS::ECS::TaskDefinition
                Properties:
                  Prop1: value
                  Prop2: false
            """#),
        Case("add to beginning sequence",
             template: #"""
            Resources:
              TaskDef:
                List:
                  - asdf
                  - jkl;
            """#,
             patches: #"""
            - op: add
              path: /Resources/TaskDef/List/0
              value: qwerty
            """#,
             expected: #"""
            Resources:
              TaskDef:
                List:
                  - qwerty
                  - asdf
                  - jkl;
            """#),
        Case("add to middle sequence",
             template: #"""
            Resources:
              TaskDef:
                List:
                  - asdf
                  - jkl;
            """#,
             patches: #"""
            - op: add
              path: /Resources/TaskDef/List/1
              value: qwerty
            """#,
             expected: #"""
            Resources:
              TaskDef:
                List:
                  - asdf
                  - qwerty
                  - jkl;
            """#),
        Case("add to end sequence by index",
             template: #"""
            Resources:
              TaskDef:
                List:
                  - asdf
                  - jkl;
            """#,
             patches: #"""
            - op: add
              path: /Resources/TaskDef/List/2
              value: qwerty
            """#,
             expected: #"""
            Resources:
              TaskDef:
                List:
                  - asdf
                  - jkl;
                  - qwerty
            """#),
        Case("add to end sequence with -",
             template: #"""
            Resources:
              IAMRole:
                Type: AWS::IAM::Role
                Properties:
                  Policies:
                    - PolicyName: "Test"
                      PolicyDocument:
                        Version: '2012-10-17'
                        Statement:
                          - Effect: Allow
                            Action:
                              - "*"
                              - "**"
                            Resource:
                              - "*"
            """#,
             patches: #"""
            - op: add
              path: /Resources/IAMRole/Properties/Policies/0/PolicyDocument/Statement/0/Action/-
              value:
                key: value
                key2: value2
            """#,
             expected: #"""
            Resources:
              IAMRole:
                Type: AWS::IAM::Role
                Properties:
                  Policies:
                    - PolicyName: "Test"
                      PolicyDocument:
                        Version: '2012-10-17'
                        Statement:
                          - Effect: Allow
                            Action:
                              - "*"
                              - "**"
                              - key: value
                                key2: value2
                            Resource:
                              - "*"
            """#),
        Case("remove scalar from map",
             template: #"""
            Resources:
              TaskDef:
                Type: AWS::ECS::TaskDefinition
                Description: asdf
            """#,
             patches: #"""
            - op: remove
              path: /Resources/TaskDef/Description
            """#,
             expected: #"""
            Resources:
              TaskDef:
                Type: AWS::ECS::TaskDefinition
            """#),
        Case("remove map from map",
             template: #"""
            Resources:
              TaskDef:
                Type: AWS::ECS::TaskDefinition
                Properties:
                  Prop1: value
                  Prop2: value
            """#,
             patches: #"""
            - op: remove
              path: /Resources/TaskDef/Properties
            """#,
             expected: #"""
            Resources:
              TaskDef:
                Type: AWS::ECS::TaskDefinition
            """#),
        Case("remove from beginning of sequence",
             template: #"""
            Resources:
              - obj1: value
                list:
                  - item0
                  - item1
              - obj2: value
                list:
                  - item0
                  - item1
            """#,
             patches: #"""
            - op: remove
              path: /Resources/1/list/0
            """#,
             expected: #"""
            Resources:
              - obj1: value
                list:
                  - item0
                  - item1
              - obj2: value
                list:
                  - item1
            """#),
        Case("remove from middle of sequence",
             template: #"""
            Resources:
              - obj1: value
                list:
                  - item0
                  - item1
              - obj2: value
                list:
                  - item0
                  - item1
                  - item2
            """#,
             patches: #"""
            - op: remove
              path: /Resources/1/list/1
            """#,
             expected: #"""
            Resources:
              - obj1: value
                list:
                  - item0
                  - item1
              - obj2: value
                list:
                  - item0
                  - item2
            """#),
        Case("remove from end of sequence",
             template: #"""
            Resources:
              - obj1: value
                list:
                  - item0
                  - item1
              - obj2: value
                list:
                  - item0
                  - item1
                  - item2
            """#,
             patches: #"""
            - op: remove
              path: /Resources/1/list/2
            """#,
             expected: #"""
            Resources:
              - obj1: value
                list:
                  - item0
                  - item1
              - obj2: value
                list:
                  - item0
                  - item1
            """#),
        Case("replace scalar with scalar",
             template: #"""
            Resources:
              TaskDef:
                Type: AWS::ECS::TaskDefinition
                Description: asdf
            """#,
             patches: #"""
            - op: replace
              path: /Resources/TaskDef/Description
              value: jkl;
            """#,
             expected: #"""
            Resources:
              TaskDef:
                Type: AWS::ECS::TaskDefinition
                Description: jkl;
            """#),
        Case("replace map with scalar",
             template: #"""
            Resources:
              List:
                - asdf
                - key: value
                  key2: value2
                - - very list
                  - many item
            """#,
             patches: #"""
            - op: replace
              path: /Resources/List/1
              value: jkl;
            """#,
             expected: #"""
            Resources:
              List:
                - asdf
                - jkl;
                - - very list
                  - many item
            """#),
        Case("works with special characters",
             template: #"""
            Resources:
              key:
                key~with/weirdchars/: old
            """#,
             patches: #"""
            - op: replace
              path: /Resources/key/key~0with~1weirdchars~1
              value: new
            """#,
             expected: #"""
            Resources:
              key:
                key~with/weirdchars/: new
            """#),
        Case("add works with doc selector",
             template: #"""
            Resources:
              key: value
            """#,
             patches: #"""
            - op: add
              path: ""
              value:
                a: aaa
                b: bbb
            """#,
             expected: #"""
            a: aaa
            b: bbb
            """#),
        Case("replace works with doc selector",
             template: #"""
            Resources:
              key: value
            """#,
             patches: #"""
            - op: replace
              path: ""
              value:
                a: aaa
                b: bbb
            """#,
             expected: #"""
            a: aaa
            b: bbb
            """#),
        Case("remove works with doc selector",
             template: #"""
            Resources:
              key: value
            """#,
             patches: #"""
            - op: remove
              path: ""
            """#,
             expected: ""),
        Case("empty string key works",
             template: #"""
            key: asdf
            "": old
            """#,
             patches: #"""
            - op: replace
              path: /
              value: new
            """#,
             expected: #"""
            key: asdf
            "": new
            """#),
        Case("nothing happens with empty patch file",
             template: #"""
            a:
              b: value
            """#,
             patches: "",
             expected: #"""
            a:
              b: value
            """#),
        Case("error on invalid patch file format",
             template: "",
             patches: #"""
            op: add
            path: /
            value: new
            """#,
             // Copilot's message names its YAML library's type; the finding is the same.
             error: "the file does not conform to the YAML patch document schema"),
        Case("error on unsupported operation",
             template: "",
             patches: #"""
            - op: unsupported
              path: /
              value: new
            """#,
             error: #"""
            unsupported operation "unsupported": supported operations are "add", "remove", and "replace".
            """#),
        Case("error in map following path",
             template: #"""
            a:
              b:
                - c
                - d
            """#,
             patches: #"""
            - op: replace
              path: /a/e/c
              value: val
            """#,
             error: #"""
            unable to apply the "replace" patch at index 0: key "/a": "e" not found in map
            """#),
        Case("error out of bounds sequence following path",
             template: #"""
            a:
              b:
                - c
                - d
            """#,
             patches: #"""
            - op: add
              path: /a/b/3
              value: val
            """#,
             error: #"""
            unable to apply the "add" patch at index 0: key "/a/b": index 3 out of bounds for sequence of length 2
            """#),
        Case("error invalid index sequence following path",
             template: #"""
            a:
              b:
                - c
                - d
            """#,
             patches: #"""
            - op: add
              path: /a/b/e
              value: val
            """#,
             error: #"""
            unable to apply the "add" patch at index 0: key "/a/b": expected index in sequence, got "e"
            """#),
        Case("error invalid index sequence - in middle of path",
             template: #"""
            a:
              b:
                - key: abcd
                - key: efgh
            """#,
             patches: #"""
            - op: add
              path: /a/b/-/key
              value: val
            """#,
             error: #"""
            unable to apply the "add" patch at index 0: key "/a/b": expected index in sequence, got "-"
            """#),
        Case("error targeting scalar while following path add",
             template: #"""
            a:
              b:
                - c
                - d
            """#,
             patches: #"""
            - op: add
              path: /a/b/1/e
              value: val
            """#,
             error: #"""
            unable to apply the "add" patch at index 0: key "/a/b/1": invalid node type scalar
            """#),
        Case("error targeting scalar while following path remove",
             template: #"""
            a:
              b:
                - c
                - d
            """#,
             patches: #"""
            - op: remove
              path: /a/b/1/e
            """#,
             error: #"""
            unable to apply the "remove" patch at index 0: key "/a/b/1": invalid node type scalar
            """#),
        Case("error targeting scalar while following path replace",
             template: #"""
            a:
              b:
                - c
                - d
            """#,
             patches: #"""
            - op: replace
              path: /a/b/1/e
              value: val
            """#,
             error: #"""
            unable to apply the "replace" patch at index 0: key "/a/b/1": invalid node type scalar
            """#),
        Case("error add with no value",
             template: "",
             patches: #"""
            - op: add
              path: /a/b/c
            """#,
             error: #"""
            unable to apply the "add" patch at index 0: value required
            """#),
        Case("error replace with no value",
             template: "",
             patches: #"""
            - op: replace
              path: /a/b/c
            """#,
             error: #"""
            unable to apply the "replace" patch at index 0: value required
            """#),
        Case("error remove nonexistant value from map",
             template: #"""
            a:
              b: value
            """#,
             patches: #"""
            - op: remove
              path: /a/c
            """#,
             error: #"""
            unable to apply the "remove" patch at index 0: key "/a": "c" not found in map
            """#),
        Case("error patch index incrememts",
             template: #"""
            a:
              b: value
            """#,
             patches: #"""
            - op: remove
              path: /a/b
            - op: remove
              path: /a/c
            """#,
             error: #"""
            unable to apply the "remove" patch at index 1: key "/a": "c" not found in map
            """#),
        Case("updates the Description field of a CloudFormation template with YAML patch metrics",
             template: #"""
            Description: "CloudFormation template that represents a backend service on Amazon ECS."
            Resources:
              key: value
            """#,
             patches: #"""
            - op: replace
              path: /Resources/key
              value: other
            """#,
             expected: #"""
            Description: "CloudFormation template that represents a backend service on Amazon ECS using AWS Copilot with YAML patches."
            Resources:
              key: other
            """#),
    ]

    static func parse(_ yaml: String) throws -> TemplateValue? {
        try TaggedYAML.parse(yaml, file: "template", aliases: .bounded).map(CloudFormationYAML.value)
    }

    func testEveryCaseOfCopilotsPatchTestGivesCopilotsResult() throws {
        XCTAssertEqual(Self.copilotCases.count, 33)
        for reference in Self.copilotCases {
            do {
                let patches = try PipelineOverrides.patches(reference.patches, file: "cfn.patches.yml")
                let result = try TemplatePatching.apply(patches, file: "cfn.patches.yml", to: try Self.parse(reference.template))
                if let error = reference.error { XCTFail("\(reference.name): no error, expected \(error)"); continue }
                XCTAssertEqual(result, try Self.parse(reference.expected ?? ""), reference.name)
            } catch let error as ManifestError {
                guard let expected = reference.error else { XCTFail("\(reference.name): \(error)"); continue }
                XCTAssertEqual(error.message, expected, reference.name)
                XCTAssertEqual(error.file, "cfn.patches.yml", reference.name)
            }
        }
    }

    func testAFailingPatchIsLocatedAtItsLineInTheFile() throws {
        let patches = try PipelineOverrides.patches("# first\n- op: remove\n  path: /a/b\n\n- op: remove\n  path: /a/c\n", file: "p.yml")
        XCTAssertThrowsError(try TemplatePatching.apply(patches, file: "p.yml", to: try Self.parse("a:\n  b: 1\n"))) { error in
            let located = error as? ManifestError
            XCTAssertEqual(located?.line, 5)
            XCTAssertEqual(located?.column, 3)
            XCTAssertEqual(located?.message, #"unable to apply the "remove" patch at index 1: key "/a": "c" not found in map"#)
        }
    }

    /// Patch values are CloudFormation YAML: short-form functions become the JSON forms the template uses,
    /// plain scalars are typed, quoted ones stay text.
    func testPatchValuesReadAsCloudFormationReadsYAML() throws {
        let value = try XCTUnwrap(Self.parse(#"""
            Role: !GetAtt BuildProjectRole.Arn
            Name: !Sub "${AWS::StackName}-x"
            Bucket: !Ref ArtifactBucket
            Joined: !Join [",", [a, !Ref B]]
            Retries: 3
            Ratio: 1.5
            Enabled: true
            Quoted: "true"
            Nothing: null
            Version: 2012-10-17
            """#))
        XCTAssertEqual(value["Role"], .getAtt("BuildProjectRole", "Arn"))
        XCTAssertEqual(value["Name"], .sub("${AWS::StackName}-x"))
        XCTAssertEqual(value["Bucket"], .ref("ArtifactBucket"))
        XCTAssertEqual(value["Joined"], .object([("Fn::Join", .array([",", .array(["a", .ref("B")])]))]))
        XCTAssertEqual(value["Retries"], .int(3))
        XCTAssertEqual(value["Ratio"], .number("1.5"))
        XCTAssertEqual(value["Enabled"], .bool(true))
        XCTAssertEqual(value["Quoted"], "true")
        XCTAssertEqual(value["Nothing"], .null)
        XCTAssertEqual(value["Version"], "2012-10-17")
    }
}
