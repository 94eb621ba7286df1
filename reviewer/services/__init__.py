"""The use cases: each opens its own transaction and writes its own audit entry, and both the
command line and the terminal app call them (and nothing below them).

- ``setup``: make a workspace (``init``) and the demo's; ``validation``: ``validate``;
- ``scores``: import a score file; ``template``: an evaluator's score sheet to fill offline;
- ``sheets``: save, submit, reopen, declare a conflict, through the access gate;
- ``session``: the terminal app's session (identity, the evaluator's queue and sheets);
  ``chair``: what a chair's session may do;
- ``results``: score a program, export its workbook; ``panel``: assignment, progress, audit,
  SSH keys.
"""
