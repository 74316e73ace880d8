module switchboard/go-case-table

go 1.19
