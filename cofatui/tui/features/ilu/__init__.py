"""ILU, "demandes d'engagements" (issue 17 item 6): the policyholder's form, the ILU
tab's active and closed views, a company's ILUs, the underwriter's issuing and the back
office's pane."""
