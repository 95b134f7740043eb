from balprov.cli import main

main()
