@testable import AWS
import Foundation
import XCTest

/// The wire formats' corners that moto does not reach: every error form, both timestamp forms,
/// Query flattening and XML reading.
final class ProtocolTests: XCTestCase {
    func decode(_ body: String, status: Int = 400, headers: [(name: String, value: String)] = []) -> AWSError {
        ErrorResponse.decode(status: status, headers: headers, body: Array(body.utf8), service: "CodePipeline", operation: "GetPipeline")
    }

    /// Whether the standard retry mode tries the call again after this error.
    func standardRetries(_ error: AWSError) -> Bool { RetryPolicy(.init(mode: .standard, maxAttempts: 3)).retries(error, service: .sts) }

    func testJSONErrorsWithPrefixedTypesAndEitherMessageSpelling() {
        let namespaced = decode(#"{"__type":"com.amazonaws.codepipeline#PipelineNotFoundException","message":"no such pipeline"}"#)
        XCTAssertEqual(namespaced.code, .pipelineNotFoundException)
        XCTAssertEqual(namespaced.message, "no such pipeline")

        let withURL = decode(#"{"__type":"ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/","Message":"bad"}"#)
        XCTAssertEqual(withURL.code, AWSErrorCode("ValidationException"))
        XCTAssertEqual(withURL.message, "bad")

        let headerOnly = decode(#"{"message":"slow down"}"#, headers: [(name: "X-Amzn-ErrorType", value: "ThrottlingException:http://x/")])
        XCTAssertEqual(headerOnly.code, .throttlingException)
        XCTAssertTrue(standardRetries(headerOnly))

        let requestID = decode("{}", headers: [(name: "x-amzn-RequestId", value: "abc-123")])
        XCTAssertEqual(requestID.requestID, "abc-123")
        XCTAssertEqual(requestID.code, .unknownError)
    }

    func testXMLErrorsWithAndWithoutTheErrorsWrapper() {
        let query = decode("<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id x does not exist</Message></Error><RequestId>r-1</RequestId></ErrorResponse>")
        XCTAssertEqual(query.code, .validationError)
        XCTAssertEqual(query.message, "Stack with id x does not exist")
        XCTAssertEqual(query.requestID, "r-1")
        XCTAssertFalse(standardRetries(query))

        let moto = decode(#"<?xml version="1.0" encoding="utf-8"?><ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>it &amp; that</Message></Error></Errors></ErrorResponse>"#, status: 403)
        XCTAssertEqual(moto.code, .signatureDoesNotMatch)
        XCTAssertEqual(moto.message, "it & that")
    }

    func testAnythingElseBecomesAReadableMessage() {
        let html = decode("<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body>boom</body></html>", status: 500)
        XCTAssertEqual(html.code, .internalFailure)
        XCTAssertEqual(html.message, "the endpoint answered with an HTML page: 500 Internal Server Error")
        XCTAssertTrue(standardRetries(html))

        let empty = decode("", status: 502)
        XCTAssertEqual(empty.message, "the endpoint answered HTTP 502 with no error document")
        XCTAssertTrue(standardRetries(empty))

        let text = decode("Service Unavailable\nmore", status: 503)
        XCTAssertEqual(text.message, "the endpoint answered: Service Unavailable")
        // Every break Swift counts as a newline ends the line, the leading ones skipped; a tag that
        // only begins like <title> is no title.
        for lineBreak in ["\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"] {
            let broken = decode("\(lineBreak)\(lineBreak)Gateway <titl>é\(lineBreak)more", status: 504)
            XCTAssertEqual(broken.message, "the endpoint answered: Gateway <titl>é", lineBreak.debugDescription)
        }
        XCTAssertEqual(decode("\u{0B}\r\n", status: 500).message, "the endpoint answered HTTP 500 with no error document")
    }

    func testTimestampsAsEpochSecondsOrISO8601() {
        XCTAssertEqual(AWSTimestamp.parse("1440938160"), Date(timeIntervalSince1970: 1_440_938_160))
        XCTAssertEqual(AWSTimestamp.parse("1440938160.5"), Date(timeIntervalSince1970: 1_440_938_160.5))
        XCTAssertEqual(AWSTimestamp.parse("2015-08-30T12:36:00Z"), Date(timeIntervalSince1970: 1_440_938_160))
        XCTAssertEqual(AWSTimestamp.parse("2015-08-30T12:36:00.250Z"), Date(timeIntervalSince1970: 1_440_938_160.25))
        XCTAssertEqual(AWSTimestamp.parse("2015-08-30T14:36:00+02:00"), Date(timeIntervalSince1970: 1_440_938_160))
        XCTAssertEqual(AWSTimestamp.parse("2015-08-30T12:36:00.123456"), Date(timeIntervalSince1970: 1_440_938_160.123456))
        XCTAssertEqual(AWSTimestamp.parse("1999-12-31T23:59:59Z"), Date(timeIntervalSince1970: 946_684_799))
        XCTAssertEqual(AWSTimestamp.parse("2024-02-29T00:00:00Z"), Date(timeIntervalSince1970: 1_709_164_800))
        XCTAssertNil(AWSTimestamp.parse("yesterday"))
        XCTAssertEqual(SigV4Signer.timestamp(Date(timeIntervalSince1970: 1_709_164_800)), "20240229T000000Z")
    }

    func testJSONResponsesAcceptBothTimestampForms() throws {
        struct Shape: Decodable { let created: Date; let updated: Date }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom(AWSClient.decodeTimestamp)
        let decoded = try decoder.decode(Shape.self, from: Data(#"{"created": 1440938160.0, "updated": "2015-08-30T12:36:00Z"}"#.utf8))
        XCTAssertEqual(decoded.created, decoded.updated)
    }

    func testQueryFlatteningOfListsStructuresAndScalars() throws {
        let input = CloudFormation.CreateChangeSetInput(
            stackName: "s", changeSetName: "c", changeSetType: .update, usePreviousTemplate: true,
            parameters: [.init(parameterKey: "A", parameterValue: "1"), .init(parameterKey: "B", usePreviousValue: true)],
            capabilities: [], tags: [.init(key: "k", value: "v w")])
        let parameters = try QueryCoding.parameters(input)
        XCTAssertEqual(parameters.map { "\($0.name)=\($0.value)" }, [
            "Capabilities=",
            "ChangeSetName=c", "ChangeSetType=UPDATE",
            "Parameters.member.1.ParameterKey=A", "Parameters.member.1.ParameterValue=1",
            "Parameters.member.2.ParameterKey=B", "Parameters.member.2.UsePreviousValue=true",
            "StackName=s", "Tags.member.1.Key=k", "Tags.member.1.Value=v w", "UsePreviousTemplate=true",
        ])
    }

    func testXMLResponsesDecodeListsNestedShapesAndEscapes() throws {
        let xml = """
            <?xml version="1.0"?>
            <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <DescribeStacksResult>
                <Stacks>
                  <member>
                    <StackName>a&lt;b&gt;</StackName>
                    <StackStatus>UPDATE_COMPLETE</StackStatus>
                    <CreationTime>2015-08-30T12:36:00Z</CreationTime>
                    <TimeoutInMinutes>30</TimeoutInMinutes>
                    <DisableRollback>true</DisableRollback>
                    <Outputs><member><OutputKey>Url</OutputKey><OutputValue><![CDATA[http://x/?a=1&b=2]]></OutputValue></member></Outputs>
                    <Capabilities/>
                    <RoleARN>arn:aws:iam::1:role/&#x72;ole</RoleARN>
                  </member>
                </Stacks>
              </DescribeStacksResult>
            </DescribeStacksResponse>
            """
        let root = try XMLNode.parse(Array(xml.utf8))
        let output = try QueryCoding.decode(CloudFormation.DescribeStacksOutput.self, from: try XCTUnwrap(root.child("DescribeStacksResult")))
        let stack = try XCTUnwrap(output.stacks.first)
        XCTAssertEqual(stack.stackName, "a<b>")
        XCTAssertEqual(stack.creationTime, Date(timeIntervalSince1970: 1_440_938_160))
        XCTAssertEqual(stack.timeoutInMinutes, 30)
        XCTAssertEqual(stack.disableRollback, true)
        XCTAssertEqual(stack.outputs?.first?.outputValue, "http://x/?a=1&b=2")
        XCTAssertEqual(stack.capabilities, [])
        XCTAssertEqual(stack.roleARN, "arn:aws:iam::1:role/role")
        XCTAssertNil(stack.tags)
        XCTAssertNil(output.nextToken)
    }

    /// A terminator is looked for where its first byte occurs: a partial match there (`]]` short of
    /// `]]>`, a `-` or `--` inside a comment) is text, and the search goes on from the next byte.
    func testXMLTerminatorsAreFoundPastPartialMatches() throws {
        let root = try XMLNode.parse(Array("""
            <?xml version="1.0" ?><!-- a - b -- c ---><r><a><![CDATA[x]]y]]]></a><!-->--><b>p &amp; q</b></r>
            """.utf8))
        XCTAssertEqual(root.child("a")?.text, "x]]y]")
        XCTAssertEqual(root.child("b")?.text, "p & q")
        XCTAssertEqual(root.children.map(\.name), ["a", "b"])
        XCTAssertThrowsError(try XMLNode.parse(Array("<r><![CDATA[x]]</r>".utf8)))
        XCTAssertThrowsError(try XMLNode.parse(Array("<r><!-- x -- </r>".utf8)))
    }

    func testMalformedXMLIsAnErrorNotACrash() {
        XCTAssertThrowsError(try XMLNode.parse(Array("<a><b></a>".utf8)))
        XCTAssertThrowsError(try XMLNode.parse(Array("<a>&bogus;</a>".utf8)))
        XCTAssertThrowsError(try XMLNode.parse(Array("<a".utf8)))
    }

    func testMemberNamesMapBothWays() {
        XCTAssertEqual(MemberName.swiftName("StackId"), "stackId")
        XCTAssertEqual(MemberName.swiftName("ARN"), "arn")
        XCTAssertEqual(MemberName.swiftName("RoleARN"), "roleARN")
        XCTAssertEqual(MemberName.swiftName("ResourceARNList"), "resourceARNList")
        XCTAssertEqual(MemberName.swiftName("TemplateURL"), "templateURL")
        XCTAssertEqual(MemberName.swiftName("pipelineName"), "pipelineName")
        XCTAssertEqual(MemberName.wireKey(MemberName.AnyKey("templateURL")).stringValue, "TemplateURL")
    }
}
