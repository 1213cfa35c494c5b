Attribute VB_Name = "RibbonPerfgoals"
Option Explicit
' Server flavour of the perfgoals ribbon (perfgoals-xl addin build --server URL). ASCII only: the VBA
' project's code page cannot hold Chinese. The token is the AUTH key of the perfgoals.conf sheet, which
' xlwings' RunServerPython reads itself.
Private Const SERVER_URL As String = "__SERVER_URL__"

Public Sub OnAction(control As IRibbonControl)
    Dim script As String
    If Not ReadyForServer() Then Exit Sub
    Select Case control.ID
__CASES__
        Case Else
            Exit Sub
    End Select
    RunServerPython SERVER_URL & "/xlwings/custom-scripts-call/" & script
End Sub

' RunServerPython sends the active workbook: with none open, or the book in Protected View, xlwings' VBA stops
' with run-time error 91 and a Debug button. Say what to do instead (__MSG_...__: see RibbonPerfgoals.bas).
Private Function ReadyForServer() As Boolean
    Dim app As Object, protectedWindow As Object
    If Not ActiveWorkbook Is Nothing Then
        ReadyForServer = True
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

' The actions of perfgoals' handlers that xlwings' Remote.bas lacks; RunServerPython runs each action
' through Application.Run by its name, so these sit beside Remote.bas in the same project.
Public Sub addConditionalFormat(wb As Workbook, action As Dictionary)
    Dim spec As Dictionary, rule As FormatCondition
    Set spec = action("args")(1)
    Set rule = GetRange(wb, action).FormatConditions.Add(Type:=xlExpression, Formula1:=spec("formula"))
    If Not IsNull(spec("fill_color")) Then rule.Interior.Color = HexToRgb(spec("fill_color"))
    rule.StopIfTrue = False
    rule.SetLastPriority
End Sub

Public Sub clearConditionalFormats(wb As Workbook, action As Dictionary)
    GetRange(wb, action).FormatConditions.Delete
End Sub

Public Sub setFontProperty(wb As Workbook, action As Dictionary)
    With GetRange(wb, action).Font
        Select Case action("args")(1)
            Case "bold": .Bold = action("args")(2)
            Case "italic": .Italic = action("args")(2)
            Case "size": .Size = action("args")(2)
            Case "name": .Name = action("args")(2)
            Case "color": .Color = HexToRgb(action("args")(2))
        End Select
    End With
End Sub

Public Sub setWrapText(wb As Workbook, action As Dictionary)
    GetRange(wb, action).WrapText = action("args")(1)
End Sub

Public Sub setRowHeight(wb As Workbook, action As Dictionary)
    GetRange(wb, action).RowHeight = action("args")(1)
End Sub

Public Sub rangeMerge(wb As Workbook, action As Dictionary)
    GetRange(wb, action).Merge action("args")(1)
End Sub

Public Sub setColumnWidth(wb As Workbook, action As Dictionary)
    ' the server sends points (as for Office.js, 7 per character); ColumnWidth counts characters
    GetRange(wb, action).ColumnWidth = action("args")(1) / 7
End Sub

Public Sub PerfgoalsDeleteName(wb As Workbook, nameText As Variant)
    ' run through RunServerPython's runMacro: Remote.bas's nameDelete needs a formula the client never sent
    On Error Resume Next
    wb.Names(CStr(nameText)).Delete
    On Error GoTo 0
End Sub
