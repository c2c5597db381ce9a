package steering

// Internals the external tests of the loop view check.

// ReportMonthSQL is reportMonthSQL.
var ReportMonthSQL = reportMonthSQL
