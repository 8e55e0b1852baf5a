import Foundation
import Manifest

/// A stage's `BeforeEntry` gate: at most five rules (CodePipeline's limit), a deployment window's cron
/// and time zone as CodePipeline reads them, an alarm rule naming its alarm.
public enum StageGateRule: ManifestRule {
    case invalidCron(String, reason: String, stage: String)
    case unknownTimeZone(String, stage: String)
    case tooManyRules(Int, stage: String)
    case alarmWithoutName(stage: String)

    /// CodePipeline's limit on the rules of one condition.
    public static let maximumRules = 5

    public var severity: Severity { .error }

    public var message: String {
        switch self {
        case .invalidCron(let cron, let reason, let stage): return "the deployment window of \(stage) is not a cron expression (\(cron)): \(reason)"
        case .unknownTimeZone(let zone, let stage): return "the deployment window of \(stage) names an unknown time zone \(zone)"
        case .tooManyRules(let count, let stage): return "the gate of \(stage) has \(count) rules; CodePipeline allows \(Self.maximumRules)"
        case .alarmWithoutName(let stage): return "the alarm rule of \(stage)'s gate names no alarm"
        }
    }

    public var hint: String? {
        switch self {
        case .invalidCron:
            return "seconds minutes hours day-of-month month day-of-week [year], e.g. `* * 9-17 ? * MON-FRI` (weekdays 09:00–17:59)"
        case .unknownTimeZone: return "an IANA time zone name such as Europe/Paris or America/New_York (UTC when none is given)"
        case .tooManyRules: return "remove one with `stage gate ENV off` and add back those you need"
        case .alarmWithoutName: return "set Configuration.AlarmName to the CloudWatch alarm's name"
        }
    }

    static func check(_ overrides: PipelineV2Overrides, into findings: inout Findings) {
        for stage in overrides.settings.stages where !stage.beforeEntry.isEmpty {
            let location = overrides.location(ofStage: stage.stage)
            func add(_ rule: StageGateRule) { findings.add(.stageGate(rule), in: overrides.file, at: location) }
            if stage.beforeEntry.count > Self.maximumRules { add(.tooManyRules(stage.beforeEntry.count, stage: stage.stage)) }
            for rule in stage.beforeEntry {
                switch rule {
                case .deploymentWindow(_, let cron, let zone):
                    if let zone, TimeZone(identifier: zone) == nil {
                        add(.unknownTimeZone(zone, stage: stage.stage))
                    } else {
                        do { _ = try DeploymentWindow(cron: cron, timeZone: zone) } catch let invalid as DeploymentWindow.Invalid {
                            add(.invalidCron(cron, reason: invalid.reason, stage: stage.stage))
                        } catch {}
                    }
                case .alarm(_, let alarm, _) where alarm.isEmpty: add(.alarmWithoutName(stage: stage.stage))
                case .alarm, .other: break
                }
            }
        }
    }
}
