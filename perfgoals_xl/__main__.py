from perfgoals_xl.cli.main import main

main()
