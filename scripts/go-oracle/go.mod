module switchboard/go-oracle

go 1.19
