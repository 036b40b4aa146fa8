import PinCLI

PinBenchCommand.installSignalHandlers()
PinBenchCommand.main()
PinBenchCommand.exitIfInterrupted()
