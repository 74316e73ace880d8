import Core

extension ConfdFlagError: SwitchboardError { package var code: ErrorCode { .invalidFlag } }
