"""Send company information (issue 17 item 4; seed 001 "Envoyer des informations sur une
entreprise"): the two forms, the contract's submissions, a submission's detail, and the
underwriter's back-office pane (queue, decision, saved files, DRA change)."""
