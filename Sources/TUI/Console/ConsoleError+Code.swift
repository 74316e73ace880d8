import Core

extension ConsoleError: SwitchboardError { public var code: ErrorCode { .consoleFailed } }
extension AddFormError: SwitchboardError { public var code: ErrorCode { .invalidAddress } }
