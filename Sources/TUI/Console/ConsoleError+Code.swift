import Core

extension ConsoleError: SwitchboardError { package var code: ErrorCode { .consoleFailed } }
extension AddFormError: SwitchboardError { package var code: ErrorCode { .invalidAddress } }
