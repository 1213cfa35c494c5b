Attribute VB_Name = "RibbonPerfgoals"
Option Explicit
' The perfgoals ribbon (perfgoals-xl addin build). ASCII only: the VBA project's code page cannot hold Chinese,
' so the build replaces each __MSG_...__ with its Chinese text spelled as ChrW(...) (cli/addin_vba.py).

Public Sub OnAction(control As IRibbonControl)
    If Not ReadyForPython() Then Exit Sub
    RunPython "import perfgoals_xl.excel.ribbon as r; r.dispatch('" & control.ID & "')"
End Sub

' RunPython needs an active workbook that can be edited: with none open, or the book in Protected View, xlwings'
' VBA stops with run-time error 91 and a Debug button. Say what to do instead.
Private Function ReadyForPython() As Boolean
    Dim app As Object, protectedWindow As Object
    If Not ActiveWorkbook Is Nothing Then
        ReadyForPython = True
        Exit Function
    End If
    Set app = Application
    On Error Resume Next
    Set protectedWindow = app.ActiveProtectedViewWindow ' Excel 2010+, late-bound: Excel 2007 still compiles
    On Error GoTo 0
    If protectedWindow Is Nothing Then
        MsgBox __MSG_NO_WORKBOOK__, vbExclamation, __MSG_TITLE__
    Else
        MsgBox __MSG_PROTECTED_VIEW__, vbExclamation, __MSG_TITLE__
    End If
End Function
