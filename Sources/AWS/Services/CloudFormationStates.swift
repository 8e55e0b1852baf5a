// CloudFormation's states as values: a stack's status (a resource's in the stack's events shares its
// vocabulary), a change set's, and what a change set does to a resource.

extension CloudFormation {
    public enum StackStatus: AWSEnumeration {
        case createInProgress, createFailed, createComplete
        case rollbackInProgress, rollbackFailed, rollbackComplete
        case deleteInProgress, deleteFailed, deleteComplete
        case updateInProgress, updateCompleteCleanupInProgress, updateComplete, updateFailed
        case updateRollbackInProgress, updateRollbackFailed, updateRollbackCompleteCleanupInProgress, updateRollbackComplete
        /// A stack a first change set was made for, not executed yet: it holds nothing.
        case reviewInProgress
        case importInProgress, importComplete, importRollbackInProgress, importRollbackFailed, importRollbackComplete
        case unknown(String)

        public static let named: [StackStatus] = [
            .createInProgress, .createFailed, .createComplete, .rollbackInProgress, .rollbackFailed, .rollbackComplete,
            .deleteInProgress, .deleteFailed, .deleteComplete, .updateInProgress, .updateCompleteCleanupInProgress,
            .updateComplete, .updateFailed, .updateRollbackInProgress, .updateRollbackFailed,
            .updateRollbackCompleteCleanupInProgress, .updateRollbackComplete, .reviewInProgress, .importInProgress,
            .importComplete, .importRollbackInProgress, .importRollbackFailed, .importRollbackComplete,
        ]

        public var description: String {
            switch self {
            case .createInProgress: return "CREATE_IN_PROGRESS"
            case .createFailed: return "CREATE_FAILED"
            case .createComplete: return "CREATE_COMPLETE"
            case .rollbackInProgress: return "ROLLBACK_IN_PROGRESS"
            case .rollbackFailed: return "ROLLBACK_FAILED"
            case .rollbackComplete: return "ROLLBACK_COMPLETE"
            case .deleteInProgress: return "DELETE_IN_PROGRESS"
            case .deleteFailed: return "DELETE_FAILED"
            case .deleteComplete: return "DELETE_COMPLETE"
            case .updateInProgress: return "UPDATE_IN_PROGRESS"
            case .updateCompleteCleanupInProgress: return "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"
            case .updateComplete: return "UPDATE_COMPLETE"
            case .updateFailed: return "UPDATE_FAILED"
            case .updateRollbackInProgress: return "UPDATE_ROLLBACK_IN_PROGRESS"
            case .updateRollbackFailed: return "UPDATE_ROLLBACK_FAILED"
            case .updateRollbackCompleteCleanupInProgress: return "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"
            case .updateRollbackComplete: return "UPDATE_ROLLBACK_COMPLETE"
            case .reviewInProgress: return "REVIEW_IN_PROGRESS"
            case .importInProgress: return "IMPORT_IN_PROGRESS"
            case .importComplete: return "IMPORT_COMPLETE"
            case .importRollbackInProgress: return "IMPORT_ROLLBACK_IN_PROGRESS"
            case .importRollbackFailed: return "IMPORT_ROLLBACK_FAILED"
            case .importRollbackComplete: return "IMPORT_ROLLBACK_COMPLETE"
            case .unknown(let text): return text
            }
        }

        /// CloudFormation is working on it; it settles by itself. A stack under review waits for nobody.
        public var isInProgress: Bool {
            switch self {
            case .createInProgress, .rollbackInProgress, .deleteInProgress, .updateInProgress, .updateCompleteCleanupInProgress,
                 .updateRollbackInProgress, .updateRollbackCompleteCleanupInProgress, .importInProgress, .importRollbackInProgress:
                return true
            case .unknown(let text):
                return text.hasSuffix("_IN_PROGRESS")
            default:
                return false
            }
        }

        /// An operation on the stack, or on a resource in its events, failed.
        public var isFailed: Bool {
            switch self {
            case .createFailed, .rollbackFailed, .deleteFailed, .updateFailed, .updateRollbackFailed, .importRollbackFailed:
                return true
            case .unknown(let text):
                return text.hasSuffix("_FAILED")
            default:
                return false
            }
        }
    }

    public enum ChangeSetStatus: AWSEnumeration {
        case createPending, createInProgress, createComplete, deletePending, deleteInProgress, deleteComplete, deleteFailed, failed
        case unknown(String)

        public static let named: [ChangeSetStatus] = [
            .createPending, .createInProgress, .createComplete, .deletePending, .deleteInProgress, .deleteComplete, .deleteFailed, .failed,
        ]

        public var description: String {
            switch self {
            case .createPending: return "CREATE_PENDING"
            case .createInProgress: return "CREATE_IN_PROGRESS"
            case .createComplete: return "CREATE_COMPLETE"
            case .deletePending: return "DELETE_PENDING"
            case .deleteInProgress: return "DELETE_IN_PROGRESS"
            case .deleteComplete: return "DELETE_COMPLETE"
            case .deleteFailed: return "DELETE_FAILED"
            case .failed: return "FAILED"
            case .unknown(let text): return text
            }
        }
    }

    /// A change set's CREATE (for a new stack) or UPDATE.
    public enum ChangeSetType: AWSEnumeration {
        case create, update
        case unknown(String)

        public static let named: [ChangeSetType] = [.create, .update]

        public var description: String {
            switch self {
            case .create: return "CREATE"
            case .update: return "UPDATE"
            case .unknown(let text): return text
            }
        }
    }

    /// What a change set does to a resource.
    public enum ChangeAction: AWSEnumeration {
        case add, modify, remove, `import`, dynamic
        case unknown(String)

        public static let named: [ChangeAction] = [.add, .modify, .remove, .import, .dynamic]

        public var description: String {
            switch self {
            case .add: return "Add"
            case .modify: return "Modify"
            case .remove: return "Remove"
            case .import: return "Import"
            case .dynamic: return "Dynamic"
            case .unknown(let text): return text
            }
        }
    }

    /// Whether a modification replaces the resource (CloudFormation's True, False, Conditional).
    public enum Replacement: AWSEnumeration {
        case always, never, conditional
        case unknown(String)

        public static let named: [Replacement] = [.always, .never, .conditional]

        public var description: String {
            switch self {
            case .always: return "True"
            case .never: return "False"
            case .conditional: return "Conditional"
            case .unknown(let text): return text
            }
        }
    }
}

extension CloudFormation {
    /// Where a StackSet operation (adding instances) stands.
    public enum StackSetOperationStatus: AWSEnumeration {
        case queued, running, stopping, succeeded, failed, stopped
        case unknown(String)

        public static let named: [StackSetOperationStatus] = [.queued, .running, .stopping, .succeeded, .failed, .stopped]

        public var description: String {
            switch self {
            case .queued: return "QUEUED"
            case .running: return "RUNNING"
            case .stopping: return "STOPPING"
            case .succeeded: return "SUCCEEDED"
            case .failed: return "FAILED"
            case .stopped: return "STOPPED"
            case .unknown(let text): return text
            }
        }

        /// Nothing more will happen to the operation.
        public var isFinal: Bool {
            switch self {
            case .succeeded, .failed, .stopped: return true
            case .queued, .running, .stopping, .unknown: return false
            }
        }
    }
}
