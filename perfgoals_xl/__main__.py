from perfgoals_xl.cli import main

main()
