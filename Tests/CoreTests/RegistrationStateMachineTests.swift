import Testing

@testable import Core

@Suite struct RegistrationStateMachineTests {
    @Test func firstPassingCheckRegisters() {
        var machine = RegistrationStateMachine(failureThreshold: 3)
        #expect(machine.handle(.healthPassed) == [.register])
        _ = machine.handle(.registeredWith(LeaseID(7)))
        #expect(machine.handle(.healthPassed) == [])
        #expect(machine.state == .registered(LeaseID(7)))
    }

    @Test func thresholdFailuresRevokeAndRecoveryRegistersAgain() {
        var machine = RegistrationStateMachine(failureThreshold: 3)
        _ = machine.handle(.healthPassed)
        _ = machine.handle(.registeredWith(LeaseID(1)))
        #expect(machine.handle(.healthFailed) == [])
        #expect(machine.handle(.healthFailed) == [])
        #expect(machine.handle(.healthFailed) == [.revoke(LeaseID(1))])
        #expect(machine.state == .unregistered)
        #expect(machine.handle(.healthFailed) == [])
        #expect(machine.handle(.healthPassed) == [.register])
    }

    @Test func aPassInBetweenResetsTheCount() {
        var machine = RegistrationStateMachine(failureThreshold: 2)
        _ = machine.handle(.healthPassed)
        _ = machine.handle(.registeredWith(LeaseID(1)))
        _ = machine.handle(.healthFailed)
        _ = machine.handle(.healthPassed)
        #expect(machine.handle(.healthFailed) == [])
    }

    @Test func lostLeaseRegistersAgainWhenHealthy() {
        var machine = RegistrationStateMachine()
        _ = machine.handle(.healthPassed)
        _ = machine.handle(.registeredWith(LeaseID(1)))
        #expect(machine.handle(.leaseLost) == [.register])
    }

    @Test func stopRevokesOnlyWhenRegistered() {
        var machine = RegistrationStateMachine()
        #expect(machine.handle(.stop) == [])
        _ = machine.handle(.healthPassed)
        _ = machine.handle(.registeredWith(LeaseID(4)))
        #expect(machine.handle(.stop) == [.revoke(LeaseID(4))])
    }
}
