Attribute VB_Name = "RibbonPerfgoals"
Option Explicit
Public Sub OnAction(control As IRibbonControl)
    RunPython "import perfgoals_xl.excel.ribbon as r; r.dispatch('" & control.ID & "')"
End Sub
