/// The API's description, served at `/api/v1/openapi.yaml` and checked by the tests: the
/// document is validated (openapi-core, openapi-spec-validator) and every answer the tests get
/// is checked against it.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: Vigie
  version: "1"
  summary: Cases, alerts, companies, sources and deliveries of a Vigie credit-risk watcher.
  description: |
    Every call but this document needs `Authorization: Bearer <token>`. Tokens are defined under
    `http.tokens` in vigie.yaml, each with a role: viewer (read), operator (also case actions and
    redelivery), admin. No token or an unknown one answers 401, a role too low 403. Lists are
    paged: pass back `next_cursor` as `cursor` until it is null.
  license:
    name: Apache-2.0
    identifier: Apache-2.0
servers:
  - url: http://127.0.0.1:8080/api/v1
security:
  - bearer: []
paths:
  /cases:
    get:
      operationId: listCases
      summary: Cases, the most money at stake first (or the oldest first).
      parameters:
        - {name: state, in: query, schema: {type: string, enum: [open, acknowledged, snoozed, resolved, active]}}
        - {name: owner, in: query, schema: {type: string}}
        - {name: watchlist, in: query, schema: {type: string}}
        - {name: siren, in: query, schema: {type: string}}
        - {name: severity, in: query, description: "at least this severe", schema: {$ref: "#/components/schemas/Severity"}}
        - {name: sort, in: query, schema: {type: string, enum: [exposure, age]}}
        - {$ref: "#/components/parameters/limit"}
        - {$ref: "#/components/parameters/cursor"}
      responses:
        "200":
          description: A page of cases.
          content:
            application/json:
              schema:
                type: object
                required: [cases, next_cursor]
                properties:
                  cases: {type: array, items: {$ref: "#/components/schemas/Case"}}
                  next_cursor: {type: [string, "null"]}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
  /cases/{id}:
    get:
      operationId: showCase
      summary: A case, its facts with their alerts, its audit trail and what to do.
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The case.
          content:
            application/json:
              schema:
                type: object
                required: [case, facts, audit, next_actions]
                properties:
                  case: {$ref: "#/components/schemas/Case"}
                  facts:
                    type: array
                    items:
                      type: object
                      required: [alert_id, kind, severity, title, source, at, active, disposition]
                      properties:
                        alert_id: {type: string}
                        kind: {type: string}
                        severity: {$ref: "#/components/schemas/Severity"}
                        title: {type: string}
                        source: {type: string}
                        at: {type: string, format: date-time}
                        active: {type: boolean}
                        disposition: {type: string, enum: [notified, merged, inhibited, recorded, held]}
                        alert: {$ref: "#/components/schemas/Alert"}
                  audit:
                    type: array
                    items:
                      type: object
                      required: [at, actor, action, to_state]
                      properties:
                        at: {type: string, format: date-time}
                        actor: {type: string}
                        action: {type: string}
                        from_state: {type: string}
                        to_state: {type: string}
                        note: {type: string}
                  next_actions:
                    type: object
                    description: What to do, by language (en, fr).
                    additionalProperties: {type: array, items: {type: string}}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {$ref: "#/components/responses/NotFound"}
  /cases/{id}/{action}:
    post:
      operationId: actOnCase
      summary: Acknowledge, assign, snooze, resolve or reopen a case (operator).
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: action, in: path, required: true, schema: {type: string, enum: [ack, acknowledge, assign, snooze, resolve, reopen]}}
      requestBody:
        required: false
        content:
          application/json:
            schema:
              type: object
              properties:
                note: {type: string, description: Why, for the audit trail.}
                to: {type: string, description: For assign, who handles the case.}
                until: {type: string, description: For snooze, a day or a time; without it, until something new happens.}
      responses:
        "200":
          description: The case after the action.
          content:
            application/json:
              schema:
                type: object
                required: [case]
                properties:
                  case: {$ref: "#/components/schemas/Case"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "409": {$ref: "#/components/responses/Conflict"}
        "422": {$ref: "#/components/responses/Unprocessable"}
  /alerts:
    get:
      operationId: listAlerts
      summary: Alerts, oldest first.
      parameters:
        - {name: siren, in: query, schema: {type: string}}
        - {name: severity, in: query, schema: {$ref: "#/components/schemas/Severity"}}
        - {name: kind, in: query, schema: {type: string}}
        - {name: owner, in: query, schema: {type: string}}
        - {name: watchlist, in: query, schema: {type: string}}
        - {name: since, in: query, description: "a day (YYYY-MM-DD)", schema: {type: string, format: date}}
        - {$ref: "#/components/parameters/limit"}
        - {$ref: "#/components/parameters/cursor"}
      responses:
        "200":
          description: A page of alerts.
          content:
            application/json:
              schema:
                type: object
                required: [alerts, next_cursor]
                properties:
                  alerts: {type: array, items: {$ref: "#/components/schemas/Alert"}}
                  next_cursor: {type: [string, "null"]}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
  /alerts/{id}:
    get:
      operationId: showAlert
      summary: An alert and every delivery of it.
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The alert.
          content:
            application/json:
              schema:
                type: object
                required: [alert, deliveries]
                properties:
                  alert: {$ref: "#/components/schemas/Alert"}
                  deliveries: {type: array, items: {$ref: "#/components/schemas/Delivery"}}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {$ref: "#/components/responses/NotFound"}
  /companies/{siren}:
    get:
      operationId: showCompany
      summary: What Vigie knows of a company - the latest from each source, its history, alerts and cases.
      parameters:
        - {name: siren, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The company.
          content:
            application/json:
              schema:
                type: object
                required: [siren, company, latest, observations, alerts, cases]
                properties:
                  siren: {type: string}
                  company: {type: [string, "null"]}
                  latest:
                    type: array
                    items:
                      type: object
                      required: [source]
                      properties:
                        source: {type: string}
                        observed_on: {type: string, format: date}
                        score: {type: string}
                        rating: {type: string}
                        credit_limit: {type: string}
                        status: {type: string}
                        procedure: {type: string}
                        cover:
                          type: object
                          description: An insurer's decision in force on the buyer (source insurer:<name>); amounts as decimal strings.
                          required: [decision]
                          properties:
                            decision: {type: string, enum: [approved, partly_approved, conditional, refused, reduced, cancelled, under_review, expired]}
                            granted: {type: string}
                            requested: {type: string}
                            currency: {type: string}
                            decided_on: {type: string, format: date}
                            expires_on: {type: string, format: date}
                            reference: {type: string}
                        balance:
                          type: object
                          description: The ERP's aged balance for the client (source receivables); amounts as decimal strings.
                          required: [as_of, currency, outstanding]
                          properties:
                            as_of: {type: string, format: date}
                            currency: {type: string}
                            outstanding: {type: string}
                            not_due: {type: string}
                            overdue_1_30: {type: string}
                            overdue_31_60: {type: string}
                            overdue_61_90: {type: string}
                            overdue_over_90: {type: string}
                            oldest_unpaid: {type: string, format: date}
                            last_payment: {type: string, format: date}
                  observations:
                    type: array
                    items:
                      type: object
                      required: [source, observed_on]
                      properties:
                        source: {type: string}
                        observed_on: {type: string, format: date}
                        score: {type: string}
                        score_normalized: {type: number}
                        rating: {type: string}
                        credit_limit: {type: string}
                  alerts: {type: array, items: {$ref: "#/components/schemas/Alert"}}
                  cases: {type: array, items: {$ref: "#/components/schemas/Case"}}
        "400": {$ref: "#/components/responses/BadRequest"}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {$ref: "#/components/responses/NotFound"}
  /sources:
    get:
      operationId: listSources
      summary: Each data source's health and last poll.
      responses:
        "200":
          description: The sources.
          content:
            application/json:
              schema:
                type: object
                required: [sources]
                properties:
                  sources:
                    type: array
                    items:
                      type: object
                      required: [source, state, consecutive_failures]
                      properties:
                        source: {type: string}
                        state: {type: string, enum: [ok, failing]}
                        consecutive_failures: {type: integer}
                        failing_since: {type: string, format: date-time}
                        last_error: {type: string}
                        last_poll: {type: string, format: date-time}
        "401": {$ref: "#/components/responses/Unauthorized"}
  /deliveries/dead:
    get:
      operationId: listDeadDeliveries
      summary: Deliveries Vigie gave up on, with why.
      responses:
        "200":
          description: The dead letters.
          content:
            application/json:
              schema:
                type: object
                required: [deliveries]
                properties:
                  deliveries: {type: array, items: {$ref: "#/components/schemas/Delivery"}}
        "401": {$ref: "#/components/responses/Unauthorized"}
  /deliveries/pending:
    get:
      operationId: listPendingDeliveries
      summary: Deliveries waiting, per channel, the oldest first (at most 100 a channel).
      responses:
        "200":
          description: The queue.
          content:
            application/json:
              schema:
                type: object
                required: [deliveries]
                properties:
                  deliveries:
                    type: array
                    items:
                      type: object
                      required: [alert_id, revision, channel, attempts, queued_at]
                      properties:
                        alert_id: {type: string}
                        revision: {type: integer}
                        channel: {type: string}
                        attempts: {type: integer}
                        queued_at: {type: string, format: date-time}
                        kind: {type: string, description: "The alert's kind; absent when its stored alert cannot be read."}
                        unreadable: {type: string, description: "Why the stored alert cannot be read; the dispatcher's next pass dead-letters it."}
        "401": {$ref: "#/components/responses/Unauthorized"}
  /watchlists:
    get:
      operationId: listWatchlists
      summary: "Each watchlist with what is at stake: in total, by risk band, by owner, and the 20 largest exposures."
      responses:
        "200":
          description: The portfolio.
          content:
            application/json:
              schema:
                type: object
                required: [watchlists]
                properties:
                  watchlists:
                    type: array
                    items:
                      type: object
                      required: [name, file, companies, exposure, by_band, by_owner, largest]
                      properties:
                        name: {type: string}
                        file: {type: string}
                        companies: {type: integer}
                        exposure: {$ref: "#/components/schemas/Amounts"}
                        by_band: {type: object, description: "A to D, or unrated", additionalProperties: {$ref: "#/components/schemas/Amounts"}}
                        by_owner: {type: object, additionalProperties: {$ref: "#/components/schemas/Amounts"}}
                        uncovered: {$ref: "#/components/schemas/Amounts", description: "Owed beyond what covers it, over the companies whose cover is known (an insurer, a guarantee, an aged balance)."}
                        largest:
                          type: array
                          items:
                            type: object
                            required: [siren, exposure, currency, band]
                            properties:
                              siren: {type: string}
                              name: {type: [string, "null"]}
                              exposure: {type: string}
                              currency: {type: string}
                              band: {type: string, enum: [A, B, C, D, unrated]}
                              owner: {type: [string, "null"]}
                              uncovered: {type: string, description: "Owed beyond what covers it, when known."}
        "401": {$ref: "#/components/responses/Unauthorized"}
  /deliveries/redeliver:
    post:
      operationId: redeliver
      summary: Queue dead deliveries again, one alert's or all (operator).
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                alert_id: {type: string}
                all: {type: boolean}
      responses:
        "200":
          description: How many deliveries were queued again.
          content:
            application/json:
              schema:
                type: object
                required: [queued]
                properties:
                  queued: {type: integer}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "403": {$ref: "#/components/responses/Forbidden"}
        "404": {$ref: "#/components/responses/NotFound"}
        "422": {$ref: "#/components/responses/Unprocessable"}
  /openapi.yaml:
    get:
      operationId: openapi
      summary: This document.
      security: []
      responses:
        "200":
          description: The OpenAPI document.
          content:
            application/yaml:
              schema: {type: string}
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
  parameters:
    limit:
      name: limit
      in: query
      description: How many at most (1 to 500, 50 by default).
      schema: {type: integer, minimum: 1, maximum: 500}
    cursor:
      name: cursor
      in: query
      description: The previous page's next_cursor.
      schema: {type: string}
  responses:
    BadRequest: {description: "A parameter is wrong; the error says which.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
    Unauthorized: {description: "No token, or an unknown one.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
    Forbidden: {description: "The token's role is too low.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
    NotFound: {description: "No such case, alert or company.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
    Conflict: {description: "The action makes no sense in the case's state, or the case changed meanwhile.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
    Unprocessable: {description: "The body misses what the action needs.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  schemas:
    Error:
      type: object
      required: [error]
      properties:
        error: {type: string, description: What is wrong and what to do.}
    Amounts:
      type: object
      description: Amounts by currency, as decimal strings.
      additionalProperties: {type: string}
    Severity:
      type: string
      enum: [info, warning, high, critical]
    Case:
      type: object
      required: [id, siren, situation, state, severity, title, exposure, opened_at, age_days, facts]
      properties:
        id: {type: string, pattern: "^vc_[0-9a-f]{32}$"}
        siren: {type: string, pattern: "^[0-9]{9}$"}
        company: {type: string}
        situation: {type: string, enum: [procedure, cessation, deterioration]}
        state: {type: string, enum: [open, acknowledged, snoozed, resolved]}
        severity: {$ref: "#/components/schemas/Severity"}
        title: {type: string}
        owner: {type: string}
        exposure:
          type: object
          description: What is at stake, by currency, as decimal strings.
          additionalProperties: {type: string}
        opened_at: {type: string, format: date-time}
        age_days: {type: integer}
        procedure: {type: string, enum: [safeguard, receivership, liquidation, closed]}
        claims_deadline: {type: string, format: date}
        mandataire: {type: string}
        facts: {type: integer}
        position: {$ref: "#/components/schemas/Position"}
    Position:
      type: object
      description: What the client owes (by the ERP's aged balance, else the watchlist), what covers it (the insurer's limit in force, else the watchlist's insured limit, and the client's own guarantee) and what is left uncovered; amounts are decimal strings in `currency`.
      required: [currency, owed, owed_from, insured, guaranteed, covered, uncovered]
      properties:
        currency: {type: string}
        owed: {type: string}
        owed_from: {type: string, enum: [receivables, watchlist]}
        as_of: {type: string, format: date}
        overdue: {type: string}
        insured: {type: string}
        insured_by: {type: string}
        guaranteed: {type: string}
        guarantor: {type: string}
        covered: {type: string}
        uncovered: {type: string}
        to_declare: {type: string, description: "For a procedure: what the client owed by the last aged balance before the judgment, the claim to declare."}
        to_declare_as_of: {type: string, format: date}
    Alert:
      type: object
      description: An alert, as the alert log writes it (alerts/README.md lists every field).
      required: [id, revision, state, created_at, updated_at, kind, severity, title, evidence, watch]
      properties:
        id: {type: string, pattern: "^vg_[0-9a-f]{32}$"}
        revision: {type: integer}
        state: {type: string, enum: [active, retracted]}
        created_at: {type: string, format: date-time}
        updated_at: {type: string, format: date-time}
        siren: {type: string}
        company: {type: string}
        kind: {type: string}
        severity: {$ref: "#/components/schemas/Severity"}
        title: {type: string}
        case_id: {type: string}
        disposition: {type: string, enum: [notified, merged, inhibited, recorded, held]}
        position: {$ref: "#/components/schemas/Position"}
        evidence:
          type: object
          required: [source]
          properties:
            source: {type: string}
          additionalProperties: true
        watch:
          type: array
          items:
            type: object
            required: [watchlist, tags]
            properties:
              watchlist: {type: string}
              owner: {type: string}
              tags: {type: array, items: {type: string}}
              exposure: {type: object, properties: {amount: {type: string}, currency: {type: string}}}
              insured_limit: {type: object, properties: {amount: {type: string}, currency: {type: string}}}
      additionalProperties: true
    Delivery:
      type: object
      required: [alert_id, revision, channel, status, queued_at, attempts]
      properties:
        alert_id: {type: string}
        revision: {type: integer}
        channel: {type: string}
        status: {type: string, enum: [pending, delivered, dead]}
        queued_at: {type: string, format: date-time}
        next_attempt_at: {type: string, format: date-time}
        dead_reason: {type: string}
        attempts:
          type: array
          items:
            type: object
            required: [at, outcome]
            properties:
              at: {type: string, format: date-time}
              outcome: {type: string, enum: [delivered, failed]}
              http_status: {type: integer}
              error: {type: string}
"""#
}
