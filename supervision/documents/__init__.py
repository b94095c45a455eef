"""PDF documents a person is handed: the feedback sheet, the performance file (履职档案)
and the draft 述职报告."""
