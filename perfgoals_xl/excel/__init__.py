"""The Excel host (xlwings): the ribbon buttons' handlers, bulk reads and marks drawn through xlwings."""
