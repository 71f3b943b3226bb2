/// Whether `init --effective DAY` makes sense for a catalog change (DESIGN §13): the day from which a version's
/// added, redefined or re-dated rewards count must fall inside their program, or nothing it says could happen.
///
/// - after the program's end: the reward could never be earned — always a mistake;
/// - before the program's start: the days before the start never count anyway, so such a date says the operator
///   meant another program or another year.
///
/// Only a day given by hand is checked: leaving `--effective` out means "from today", and a program that starts
/// later simply counts from its start.
extension CatalogChange {
    public func refusal(effective day: LocalDate, in catalog: Catalog) -> String? {
        for r in rewards {
            switch r.kind {
            case .added, .redefined, .dates: break
            case .removed, .limit, .points: continue
            }
            guard let program = catalog.employer(r.employer)?.programs.first(where: { $0.id == r.program }) else { continue }
            if day > program.ends {
                return "--effective \(day.iso) is after program \(r.program) ends on \(program.ends.iso): "
                    + "\(JSONText.quote(r.reward)) could never be earned"
            }
            if day < program.starts {
                return "--effective \(day.iso) is before program \(r.program) starts on \(program.starts.iso): "
                    + "its days before then never count; give a day from \(program.starts.iso) to \(program.ends.iso), "
                    + "or leave --effective out"
            }
        }
        return nil
    }
}
