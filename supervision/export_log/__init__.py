"""The export log (导出记录): who exported personal data, when and what."""
