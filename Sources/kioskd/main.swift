import KioskDemo
import KioskService

#if canImport(Glibc)
    import Glibc
#endif

exit(
    await KioskdCommand.main(
        arguments: Array(CommandLine.arguments.dropFirst()), demo: { await DemoKiosk.run(keep: true) }))
