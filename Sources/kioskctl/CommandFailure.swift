/// A command that could not do its work: the message for the technician and the exit code.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32 = ExitCode.failure
}
