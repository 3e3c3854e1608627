"""Documents sent (issue 17 item 5; seed 001 "Documents téléchargés"): the files the
policyholder sent, one tab per kind the contract has (claims, company information,
turnover declarations), and a copy of any of them saved where the user says."""
