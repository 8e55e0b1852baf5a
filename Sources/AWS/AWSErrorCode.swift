/// An AWS error code, or one of sluice's for a call that got no answer. The codes sluice acts on
/// (a hint, a retry, a resource that does not exist) are cases; any other is `unknown`.
public enum AWSErrorCode: AWSEnumeration {
    // Credentials and permissions.
    case signatureDoesNotMatch, invalidClientTokenId, unrecognizedClientException
    case expiredToken, expiredTokenException, requestExpired
    case accessDenied, accessDeniedException
    // Something asked for that does not exist (CloudFormation says so with ValidationError).
    case validationError, parameterNotFound, resourceNotFoundException, stackSetNotFoundException
    case changeSetNotFound, pipelineNotFoundException
    // CodePipeline refusing to stop, retry or roll back.
    case pipelineExecutionNotFoundException, pipelineExecutionNotStoppableException, duplicatedStopRequestException
    case stageNotFoundException, stageNotRetryableException, notLatestPipelineExecutionException
    case unableToRollbackStageException, pipelineExecutionOutdatedException, conflictException
    // Throttling and transient faults: botocore's standard retry mode's codes.
    case throttling, throttlingException, throttledException, requestThrottledException, tooManyRequestsException
    case provisionedThroughputExceededException, transactionInProgressException, requestLimitExceeded
    case bandwidthLimitExceeded, limitExceededException, requestThrottled, slowDown, priorRequestNotComplete
    case ec2ThrottledException, requestTimeout, requestTimeoutException
    // STS could not reach the web identity's provider: retried for STS calls.
    case idpCommunicationError
    // No usable answer: sluice's own codes, and the ones it gives a response that names none.
    case connectionFailed, timedOut, cancelled, invalidResponse, invalidEndpoint, internalFailure, unknownError
    case unknown(String)

    public static let named: [AWSErrorCode] = [
        .signatureDoesNotMatch, .invalidClientTokenId, .unrecognizedClientException, .expiredToken, .expiredTokenException,
        .requestExpired, .accessDenied, .accessDeniedException, .validationError, .parameterNotFound, .resourceNotFoundException,
        .stackSetNotFoundException, .changeSetNotFound, .pipelineNotFoundException,
        .pipelineExecutionNotFoundException, .pipelineExecutionNotStoppableException, .duplicatedStopRequestException,
        .stageNotFoundException, .stageNotRetryableException, .notLatestPipelineExecutionException,
        .unableToRollbackStageException, .pipelineExecutionOutdatedException, .conflictException, .throttling, .throttlingException,
        .throttledException, .requestThrottledException, .tooManyRequestsException, .provisionedThroughputExceededException,
        .transactionInProgressException, .requestLimitExceeded, .bandwidthLimitExceeded, .limitExceededException,
        .requestThrottled, .slowDown, .priorRequestNotComplete, .ec2ThrottledException, .requestTimeout,
        .requestTimeoutException, .idpCommunicationError, .connectionFailed, .timedOut, .cancelled, .invalidResponse, .invalidEndpoint,
        .internalFailure, .unknownError,
    ]

    public var description: String {
        switch self {
        case .signatureDoesNotMatch: return "SignatureDoesNotMatch"
        case .invalidClientTokenId: return "InvalidClientTokenId"
        case .unrecognizedClientException: return "UnrecognizedClientException"
        case .expiredToken: return "ExpiredToken"
        case .expiredTokenException: return "ExpiredTokenException"
        case .requestExpired: return "RequestExpired"
        case .accessDenied: return "AccessDenied"
        case .accessDeniedException: return "AccessDeniedException"
        case .validationError: return "ValidationError"
        case .parameterNotFound: return "ParameterNotFound"
        case .resourceNotFoundException: return "ResourceNotFoundException"
        case .stackSetNotFoundException: return "StackSetNotFoundException"
        case .changeSetNotFound: return "ChangeSetNotFound"
        case .pipelineNotFoundException: return "PipelineNotFoundException"
        case .pipelineExecutionNotFoundException: return "PipelineExecutionNotFoundException"
        case .pipelineExecutionNotStoppableException: return "PipelineExecutionNotStoppableException"
        case .duplicatedStopRequestException: return "DuplicatedStopRequestException"
        case .stageNotFoundException: return "StageNotFoundException"
        case .stageNotRetryableException: return "StageNotRetryableException"
        case .notLatestPipelineExecutionException: return "NotLatestPipelineExecutionException"
        case .unableToRollbackStageException: return "UnableToRollbackStageException"
        case .pipelineExecutionOutdatedException: return "PipelineExecutionOutdatedException"
        case .conflictException: return "ConflictException"
        case .throttling: return "Throttling"
        case .throttlingException: return "ThrottlingException"
        case .throttledException: return "ThrottledException"
        case .requestThrottledException: return "RequestThrottledException"
        case .tooManyRequestsException: return "TooManyRequestsException"
        case .provisionedThroughputExceededException: return "ProvisionedThroughputExceededException"
        case .transactionInProgressException: return "TransactionInProgressException"
        case .requestLimitExceeded: return "RequestLimitExceeded"
        case .bandwidthLimitExceeded: return "BandwidthLimitExceeded"
        case .limitExceededException: return "LimitExceededException"
        case .requestThrottled: return "RequestThrottled"
        case .slowDown: return "SlowDown"
        case .priorRequestNotComplete: return "PriorRequestNotComplete"
        case .ec2ThrottledException: return "EC2ThrottledException"
        case .requestTimeout: return "RequestTimeout"
        case .requestTimeoutException: return "RequestTimeoutException"
        case .idpCommunicationError: return "IDPCommunicationError"
        case .connectionFailed: return "ConnectionFailed"
        case .timedOut: return "TimedOut"
        case .cancelled: return "Cancelled"
        case .invalidResponse: return "InvalidResponse"
        case .invalidEndpoint: return "InvalidEndpoint"
        case .internalFailure: return "InternalFailure"
        case .unknownError: return "UnknownError"
        case .unknown(let text): return text
        }
    }

    /// botocore's throttling codes: the service asked to slow down. The adaptive retry mode lowers
    /// its sending rate on these (a 429 without one does not), and a watch backs off.
    public var isThrottling: Bool {
        switch self {
        case .throttling, .throttlingException, .throttledException, .requestThrottledException, .tooManyRequestsException,
             .provisionedThroughputExceededException, .transactionInProgressException, .requestLimitExceeded,
             .bandwidthLimitExceeded, .limitExceededException, .requestThrottled, .slowDown, .priorRequestNotComplete,
             .ec2ThrottledException:
            return true
        default:
            return false
        }
    }

    /// Throttling and transient faults: the standard retry mode tries again whatever the status.
    var isTransient: Bool { isThrottling || self == .requestTimeout || self == .requestTimeoutException }
}
