import KioskService

#if canImport(Glibc)
    import Glibc
#endif

exit(await KioskdCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
