// Replaced by the real tests of this target.
import XCTest
final class ManifestTestsPlaceholder: XCTestCase { func testNothingYet() {} }
