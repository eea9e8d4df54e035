"""What changed between two versions of a deal: its terms, the figures derived from them,
and the text of its documents, down to the words (change reports and redlines)."""
