import CopilotRules
import XCTest

/// CodePipeline's glob rules for trigger filters ("Working with glob patterns in syntax"), each rule an example.
final class TriggerGlobTests: XCTestCase {
    func matches(_ pattern: String, _ text: String) throws -> Bool {
        try TriggerGlob(pattern).matches(text)
    }

    func testOneStarStaysInsideANameComponent() throws {
        XCTAssertTrue(try matches("*.java", "Main.java"))
        XCTAssertFalse(try matches("*.java", "src/Main.java"))
        XCTAssertTrue(try matches("directory/*", "directory/file"))
        XCTAssertFalse(try matches("directory/*", "directory/sub/file"))
        XCTAssertTrue(try matches("release/*", "release/1.2"))
        XCTAssertFalse(try matches("release/*", "release/1/hotfix"))
    }

    func testTwoStarsCrossDirectories() throws {
        XCTAssertTrue(try matches("services/api/**", "services/api/main.go"))
        XCTAssertTrue(try matches("services/api/**", "services/api/internal/db/db.go"))
        XCTAssertFalse(try matches("services/api/**", "services/web/main.go"))
        XCTAssertFalse(try matches("services/api/**", "services/apiv2/main.go"))
        XCTAssertTrue(try matches("**", "any/path/at/all"))
        XCTAssertTrue(try matches("**/README.md", "docs/guide/README.md"))
        XCTAssertTrue(try matches("feature/**", "feature/a/b"))
    }

    func testQuestionMarkIsOneCharacterOfAName() throws {
        XCTAssertTrue(try matches("foo.?", "foo.c"))
        XCTAssertFalse(try matches("foo.?", "foo.cc"))
        XCTAssertFalse(try matches("a?b", "a/b"))
    }

    func testBracketsAreOneCharacterOfASet() throws {
        XCTAssertTrue(try matches("v[0-9]", "v7"))
        XCTAssertFalse(try matches("v[0-9]", "vx"))
        XCTAssertTrue(try matches("[!a-c]x", "dx"))
        XCTAssertFalse(try matches("[!a-c]x", "bx"))
        XCTAssertTrue(try matches("[-a]", "-"), "a leading - stands for itself")
        XCTAssertTrue(try matches("[!-a]", "b"))
        XCTAssertFalse(try matches("[!-a]", "-"))
        XCTAssertTrue(try matches("[*?]", "*"), "* and ? stand for themselves in brackets")
        XCTAssertFalse(try matches("[*?]", "x"))
    }

    func testBracesAreAlternativesThatDoNotNest() throws {
        XCTAssertTrue(try matches("*.{java,class}", "A.class"))
        XCTAssertTrue(try matches("*.{java,class}", "A.java"))
        XCTAssertFalse(try matches("*.{java,class}", "A.kt"))
        XCTAssertThrowsError(try TriggerGlob("{a,{b,c}}"))
        XCTAssertThrowsError(try TriggerGlob("{a,b"))
        XCTAssertThrowsError(try TriggerGlob("[ab"))
    }

    func testBackslashEscapesAndEverythingElseIsLiteral() throws {
        XCTAssertTrue(try matches(#"a\*b"#, "a*b"))
        XCTAssertFalse(try matches(#"a\*b"#, "axb"))
        XCTAssertTrue(try matches("v1.2+build(3)", "v1.2+build(3)"))
        XCTAssertFalse(try matches("v1.2", "v1x2"), "a dot is a dot")
        XCTAssertTrue(try matches("main", "main"))
        XCTAssertFalse(try matches("main", "main2"), "the whole name must match")
        XCTAssertThrowsError(try TriggerGlob(#"trailing\"#))
    }
}
