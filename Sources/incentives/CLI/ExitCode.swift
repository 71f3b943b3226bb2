/// Exit statuses, from sysexits(3), as CONTRACT §5 asks.
enum ExitCode: Int32 {
    case ok = 0
    case usage = 64        // EX_USAGE: bad command line
    case dataError = 65    // EX_DATAERR: some event lines were rejected (the run still completed)
    case noInput = 66      // EX_NOINPUT: an input file is missing or unreadable
    case unavailable = 69  // EX_UNAVAILABLE: a service (terminal, receiver) is not usable
    case software = 70     // EX_SOFTWARE: an internal error
    case cantCreate = 73   // EX_CANTCREAT: an output file cannot be created
    case ioError = 74      // EX_IOERR: reading or writing failed midway
    case tempFail = 75     // EX_TEMPFAIL: try again (the database is locked, the PostgreSQL server went away)
    case noPermission = 77 // EX_NOPERM: the PostgreSQL server refused the login or the permission
    case config = 78       // EX_CONFIG: catalog or roster refused
}
