// Replaced by the real tests of this target.
import XCTest
final class InteractiveTestsPlaceholder: XCTestCase { func testNothingYet() {} }
