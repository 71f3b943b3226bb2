import Foundation
import IncentivesCore

/// Reads and validates catalog.json (CONTRACT §1). The file is small and read once, so Foundation's
/// JSONDecoder does the parsing and gives us the JSON path of any type error for free; the rules that
/// JSON types cannot express (unique ids, known incentives, date order) are checked here.
public enum CatalogDecoder {
    public static func decode(_ data: Data, file: String) throws(ConfigurationError) -> Catalog {
        if let path = JSONScan.duplicateKey(in: data) {
            throw ConfigurationError(file: file, path: path, reason: "appears twice in one object; which one was meant is unclear")
        }
        if let path = JSONScan.nulString(in: data) { throw ConfigurationError(file: file, path: path, reason: JSONScan.nulReason) }
        let raw: RawCatalog
        do {
            raw = try JSONDecoder().decode(RawCatalog.self, from: data)
        } catch {
            let (path, reason) = JSONPath.explain(error, in: data)
            throw ConfigurationError(file: file, path: path, reason: reason)
        }
        guard JSONScan.isStrictJSON(data) else { throw ConfigurationError(file: file, path: "", reason: JSONScan.notStrictReason) }
        func fail(_ path: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(file: file, path: path, reason: reason)
        }
        // A reward's or tier's optional cost: an exact decimal amount and an ISO 4217 code (`Money.parse`).
        func cost(_ raw: RawCost?, _ path: String) throws(ConfigurationError) -> Money? {
            guard let raw else { return nil }
            switch Money.parse(amount: raw.amount, currency: raw.currency) {
            case .success(let money): return money
            case .failure(.amount(let why)): throw fail(path + ".amount", "\(why): \(JSONText.quote(raw.amount))")
            case .failure(.currency(let why)): throw fail(path + ".currency", "\(why): \(JSONText.quote(raw.currency))")
            }
        }

        var incentives: [Incentive] = []
        var incentiveIDs = Set<String>()
        for (i, inc) in raw.incentives.enumerated() {
            let path = "incentives[\(i)]"
            guard !inc.id.isEmpty else { throw fail(path + ".id", "must not be empty") }
            guard incentiveIDs.insert(inc.id).inserted else { throw fail(path + ".id", "duplicate incentive id \(JSONText.quote(inc.id))") }
            guard let event = EventType(rawValue: inc.event) else {
                throw fail(path + ".event", "unknown event type \(JSONText.quote(inc.event)) (expected one of \(EventType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            var categories: Set<String>?
            if let list = inc.categories, event.needsCategory {
                guard !list.isEmpty else { throw fail(path + ".categories", "must list at least one category (omit it to count every category)") }
                if let blank = list.firstIndex(where: \.isEmpty) { throw fail(path + ".categories[\(blank)]", "must not be empty") }
                categories = Set(list)
            }
            incentives.append(Incentive(id: inc.id, name: inc.name ?? inc.id, event: event, categories: categories, rule: inc.rule))
        }

        var employers: [Employer] = []
        var employerIDs = Set<String>()
        for (e, emp) in raw.employers.enumerated() {
            let path = "employers[\(e)]"
            guard !emp.id.isEmpty else { throw fail(path + ".id", "must not be empty") }
            guard employerIDs.insert(emp.id).inserted else { throw fail(path + ".id", "duplicate employer id \(JSONText.quote(emp.id))") }
            var programs: [Program] = []
            var programIDs = Set<String>()
            for (p, prog) in (emp.programs ?? []).enumerated() {
                let ppath = path + ".programs[\(p)]"
                guard !prog.id.isEmpty else { throw fail(ppath + ".id", "must not be empty") }
                guard programIDs.insert(prog.id).inserted else { throw fail(ppath + ".id", "duplicate program id \(JSONText.quote(prog.id))") }
                guard let starts = LocalDate(iso: prog.starts) else { throw fail(ppath + ".starts", "not a date (YYYY-MM-DD): \(JSONText.quote(prog.starts))") }
                guard let ends = LocalDate(iso: prog.ends) else { throw fail(ppath + ".ends", "not a date (YYYY-MM-DD): \(JSONText.quote(prog.ends))") }
                guard starts <= ends else { throw fail(ppath + ".ends", "\(prog.ends) is before starts \(prog.starts)") }
                var rewards: [Reward] = []
                var pairs: [PairKey: Int] = [:]
                for (r, rew) in prog.rewards.enumerated() {
                    let rpath = ppath + ".rewards[\(r)]"
                    guard incentiveIDs.contains(rew.incentive) else { throw fail(rpath + ".incentive", "unknown incentive \(JSONText.quote(rew.incentive))") }
                    guard !rew.reward.isEmpty else { throw fail(rpath + ".reward", "must not be empty") }
                    if let first = pairs.updateValue(r, forKey: PairKey(incentive: rew.incentive, reward: rew.reward)) {
                        throw fail(rpath, "incentive \(JSONText.quote(rew.incentive)) with reward \(JSONText.quote(rew.reward)) is already listed at \(ppath).rewards[\(first)]; a program lists each pair once")
                    }
                    let limit = rew.limit ?? 1
                    guard limit >= 1 else { throw fail(rpath + ".limit", "must be at least 1, got \(limit)") }
                    let points = rew.points ?? 0
                    guard points >= 0 else { throw fail(rpath + ".points", "must be 0 or more, got \(points)") }
                    rewards.append(Reward(incentive: rew.incentive, reward: rew.reward, limit: limit, points: points,
                                          cost: try cost(rew.cost, rpath + ".cost")))
                }
                var tiers: [Tier] = []
                var tierIDs = Set<String>()
                for (t, tier) in (prog.tiers ?? []).enumerated() {
                    let tpath = ppath + ".tiers[\(t)]"
                    guard !tier.id.isEmpty else { throw fail(tpath + ".id", "must not be empty") }
                    guard tierIDs.insert(tier.id).inserted else { throw fail(tpath + ".id", "duplicate tier id \(JSONText.quote(tier.id))") }
                    guard tier.points >= 1 else { throw fail(tpath + ".points", "must be at least 1, got \(tier.points)") }
                    if let before = tiers.last, tier.points <= before.points {
                        throw fail(tpath + ".points", "must exceed the tier before (\(before.points)), got \(tier.points)")
                    }
                    guard !tier.reward.isEmpty else { throw fail(tpath + ".reward", "must not be empty") }
                    tiers.append(Tier(id: tier.id, points: tier.points, reward: tier.reward, cost: try cost(tier.cost, tpath + ".cost")))
                }
                programs.append(Program(id: prog.id, name: prog.name ?? prog.id, starts: starts, ends: ends, rewards: rewards, tiers: tiers))
            }
            employers.append(Employer(id: emp.id, name: emp.name ?? emp.id, programs: programs))
        }
        var partners: [Partner] = []
        var partnerIDs = Set<String>()
        for (i, raw) in (raw.partners ?? []).enumerated() {
            let path = "partners[\(i)]"
            guard !raw.id.isEmpty else { throw fail(path + ".id", "must not be empty") }
            guard Partner.isPlainID(raw.id) else {
                throw fail(path + ".id", "\(JSONText.quote(raw.id)) is not a plain name (letters, digits, '.', '_', '-', starting with a letter or digit, up to 64): it names the partner's files")
            }
            guard partnerIDs.insert(raw.id).inserted else { throw fail(path + ".id", "duplicate partner id \(JSONText.quote(raw.id))") }
            guard !raw.employers.isEmpty else { throw fail(path + ".employers", "must name at least one employer") }
            for (e, employer) in raw.employers.enumerated() where !employerIDs.contains(employer) {
                throw fail(path + ".employers[\(e)]", "unknown employer \(JSONText.quote(employer))")
            }
            let channel: Partner.Channel
            let secretEnv: String
            switch (raw.webhook, raw.drop) {
            case (let hook?, nil):
                switch WebhookURL.check(hook.url, allowHTTP: hook.allowHTTP ?? false) {
                case .success(let url): channel = .webhook(url: url)
                case .failure(let why): throw fail(path + ".webhook.url", why.description)
                }
                secretEnv = hook.secretEnv
            case (nil, let drop?):
                guard !drop.directory.isEmpty else { throw fail(path + ".drop.directory", "must not be empty") }
                channel = .fileDrop(directory: drop.directory)
                secretEnv = drop.secretEnv
            default:
                throw fail(path, "needs exactly one of \"webhook\" or \"drop\"")
            }
            let envPath = path + (raw.webhook != nil ? ".webhook" : ".drop") + ".secretEnv"
            guard let first = secretEnv.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
                  secretEnv.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) })
            else { throw fail(envPath, "must be the name of an environment variable (letters, digits, _), not the secret itself") }
            partners.append(Partner(id: raw.id, name: raw.name ?? raw.id, employers: Set(raw.employers),
                                    rewards: raw.rewards.map(Set.init), channel: channel, secretEnv: secretEnv))
        }
        return Catalog(incentives: incentives, employers: employers, partners: partners)
    }

    public static func load(path: String) throws -> Catalog {
        try decode(try InputFile.readAll(path), file: InputFile.displayName(path))
    }
}

// The file's shape. Field types are checked by JSONDecoder, everything else above.
private struct RawCatalog: Decodable {
    let incentives: [RawIncentive]
    let employers: [RawEmployer]
    let partners: [RawPartner]?
}

private struct RawPartner: Decodable {
    struct Webhook: Decodable {
        let url: String
        let secretEnv: String
        /// Plain http to a host other than this machine's loopback, knowingly (a partner's test endpoint).
        let allowHTTP: Bool?
    }
    struct Drop: Decodable { let directory: String; let secretEnv: String }
    let id: String
    let name: String?
    let employers: [String]
    let rewards: [String]?
    let webhook: Webhook?
    let drop: Drop?
}

private struct RawIncentive: Decodable {
    let id: String
    let name: String?
    let kind: String
    let event: String
    let categories: [String]?
    let rule: any IncentiveRule

    private enum Keys: String, CodingKey { case id, name, kind, event, categories }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        kind = try c.decode(String.self, forKey: .kind)
        event = try c.decode(String.self, forKey: .event)
        categories = try c.decodeIfPresent([String].self, forKey: .categories)
        guard let type = RuleKinds.type(named: kind) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription:
                "unknown kind \(JSONText.quote(kind)) (expected one of \(RuleKinds.all.map { $0.kind }.joined(separator: ", ")))")
        }
        // Each kind reads its own parameters from the same object.
        rule = try type.init(from: decoder)
    }
}

private struct RawEmployer: Decodable {
    let id: String
    let name: String?
    let programs: [RawProgram]?
}

private struct RawProgram: Decodable {
    let id: String
    let name: String?
    let starts: String
    let ends: String
    let rewards: [RawReward]
    let tiers: [RawTier]?
}

private struct RawReward: Decodable {
    let incentive: String
    let reward: String
    let limit: Int?
    let points: Int?
    let cost: RawCost?
}

/// `"cost": {"amount": "25.00", "currency": "USD"}`: the amount a string, so that no binary float rounds it.
private struct RawCost: Decodable {
    let amount: String
    let currency: String
}

private struct RawTier: Decodable {
    let id: String
    let points: Int
    let reward: String
    let cost: RawCost?
}

/// An incentive and a reward: what a program may list only once (CONTRACT §1).
private struct PairKey: Hashable {
    let incentive: String
    let reward: String
}
