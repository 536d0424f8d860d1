module csplab/bench

go 1.19
