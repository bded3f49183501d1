"""`python -m tokenmill ...` is the `tokenmill` command."""
from beam_runner import console_main

console_main()
