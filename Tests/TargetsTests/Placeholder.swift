// Replaced by the real tests of this target.
import XCTest
final class TargetsTestsPlaceholder: XCTestCase { func testNothingYet() {} }
