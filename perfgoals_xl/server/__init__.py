"""The bureau server (`perfgoals-xl serve`, extra `[server]`): the ribbon's handlers behind xlwings'
`custom-scripts-call` endpoint, for Excel clients without Python (VBA `RunServerPython`, Office.js)."""
