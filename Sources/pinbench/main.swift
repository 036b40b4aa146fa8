import PinCLI

PinBenchCommand.main()
