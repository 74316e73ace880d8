import Core

extension ConfdFlagError: SwitchboardError { public var code: ErrorCode { .invalidFlag } }
