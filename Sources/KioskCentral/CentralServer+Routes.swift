import KioskProtocol

extension CentralServer {
    /// `POST /v1/events`: verify, read the batch, store each new event once, answer per event.
    ///
    /// The nonce and the batch's events are written in one transaction, so a batch costs one
    /// commit (one WAL fsync). The answers stay those of checking in turn: signature and
    /// clock (401), nonce (401 replay, recorded even when the body then turns out malformed),
    /// body (400), events.
    func receiveEvents(_ request: HTTPRequest) -> Outcome {
        let now = configuration.now()
        let signed: RequestAuthentication.Signed
        switch authentication.checkSignature(request, now: now) {
        case .failure(let failure): return Outcome(.error(401, failure.rawValue))
        case .success(let checked): signed = checked
        }
        let kiosk = signed.kiosk
        // Parsed before taking the database lock: the lock is held only for storage.
        let read = BatchIntake.read(body: request.body, signer: kiosk)
        let receivedAt = configuration.now()

        /// What the transaction came to.
        enum Stored {
            case replay
            case malformed(CentralError)
            case results([EventResult])
        }
        let stored: Stored
        do {
            stored = try database.withLock { database in
                try database.transaction { () throws -> Stored in
                    guard try database.recordNonceInTransaction(kiosk: kiosk, nonce: signed.nonce, now: now) else {
                        return .replay
                    }
                    let verdicts: [EventVerdict]
                    switch read {
                    case .failure(let error): return .malformed(error)
                    case .success(let read): verdicts = read
                    }
                    var results: [EventResult] = []
                    results.reserveCapacity(verdicts.count)
                    for verdict in verdicts {
                        switch verdict {
                        case .rejected(let id, let reason):
                            // A stored id stays delivered, whatever arrives under it later.
                            if try database.containsEvent(id: id) {
                                results.append(EventResult(id: id, status: EventResult.duplicate))
                            } else {
                                results.append(EventResult(id: id, status: EventResult.rejected, reason: reason))
                            }
                        case .acceptable(let event):
                            let row = StoredEvent(
                                kiosk: kiosk, id: event.id, seq: event.seq, type: event.type,
                                occurredAt: event.occurredAt,
                                data: event.data, receivedAt: receivedAt)
                            switch try database.insertEvent(row) {
                            case .inserted: results.append(EventResult(id: event.id, status: EventResult.accepted))
                            case .alreadyStored:
                                results.append(EventResult(id: event.id, status: EventResult.duplicate))
                            }
                        }
                    }
                    return .results(results)
                }
            }
        } catch {
            var outcome = Outcome(.error(500, "receiver database: \(error)"), kiosk: kiosk)
            if case .success(let verdicts) = read { outcome.events = verdicts.count }
            return outcome
        }
        let results: [EventResult]
        switch stored {
        case .replay: return Outcome(.error(401, AuthenticationFailure.replay.rawValue))
        case .malformed(let error): return Outcome(.error(400, error.description), kiosk: kiosk)
        case .results(let list): results = list
        }
        var tally = (accepted: 0, duplicate: 0, rejected: 0)
        for result in results {
            switch result.status {
            case EventResult.accepted: tally.accepted += 1
            case EventResult.duplicate: tally.duplicate += 1
            default: tally.rejected += 1
            }
        }
        counters.withLock {
            $0.eventsAccepted += tally.accepted
            $0.eventsDuplicate += tally.duplicate
            $0.eventsRejected += tally.rejected
        }
        var response = HTTPResponse(status: 200, headers: [("Content-Type", "application/json")])
        response.body = BatchResults(results: results).encodedJSON()
        var outcome = Outcome(response, kiosk: kiosk)
        outcome.events = results.count
        outcome.note = "accepted=\(tally.accepted) duplicate=\(tally.duplicate) rejected=\(tally.rejected)"
        return outcome
    }

    /// `GET /v1/kiosks/{id}/updates?after=cursor`: a page of status updates for the signer.
    func sendUpdates(_ request: HTTPRequest, kiosk pathKiosk: String) -> Outcome {
        let kiosk: String
        switch authenticate(request) {
        case .refused(let response): return Outcome(response)
        case .kiosk(let signer): kiosk = signer
        }
        guard kiosk == pathKiosk else {
            return Outcome(.error(403, "kiosk \(kiosk) may not read the updates of \(pathKiosk)"), kiosk: kiosk)
        }
        var after: Int64 = 0
        if let cursor = request.queryParameter("after"), !cursor.isEmpty {
            guard let value = Int64(cursor), value >= 0 else {
                return Outcome(.error(400, "invalid cursor \(cursor)"), kiosk: kiosk)
            }
            after = value
        }
        do {
            let rows = try database.withLock {
                try $0.updates(kiosk: kiosk, after: after, limit: configuration.updatesPageSize)
            }
            let page = UpdatesPage(
                updates: rows.map(\.update),
                next: String(rows.last?.serial ?? after))
            var outcome = Outcome(.json(200, Self.encode(page)), kiosk: kiosk)
            outcome.note = "updates=\(rows.count)"
            return outcome
        } catch {
            return Outcome(.error(500, "receiver database: \(error)"), kiosk: kiosk)
        }
    }

    /// `POST /admin/fault` with a ``FaultOrder`` as JSON.
    func adminFault(_ request: HTTPRequest) -> HTTPResponse {
        let order: FaultOrder
        do {
            order = try JSONDocumentDecoder().decode(FaultOrder.self, from: request.body)
        } catch {
            return .error(400, "expected a fault order such as {\"mode\":\"status\",\"status\":503,\"count\":3}")
        }
        if order.mode == "clear" {
            clearFaults()
            return .json(200, #"{"ok":true,"cleared":true}"#)
        }
        do {
            let fault = try order.fault()
            injectFault(fault, count: order.count ?? 1)
            var writer = JSONWriter()
            writer.object { writer in
                writer.member("ok", true)
                writer.member("fault", fault.summary)
                writer.member("count", order.count ?? 1)
            }
            return .json(200, String(decoding: writer.bytes, as: UTF8.self))
        } catch {
            return .error(400, "\(error)")
        }
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        // These types hold only strings, integers and optionals: encoding cannot fail.
        (try? JSONDocumentEncoder().encodeToString(value)) ?? #"{"error":"cannot encode the answer"}"#
    }
}
