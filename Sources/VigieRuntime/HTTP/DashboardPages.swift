/// The dashboard's templates and stylesheet: Mustache, HTML-escaped by default (`{{…}}`), so
/// that a company's name or a court's words are text on every page; `{{{…}}}` only for HTML
/// Vigie built itself (a page's body, the chart). No script at all: the pages work without
/// JavaScript, and the Content-Security-Policy forbids any.
enum DashboardPages {
    static let templates: [String: String] = [
        "layout": #"""
<!doctype html>
<html lang="{{lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · Vigie</title><link rel="stylesheet" href="/ui/style.css"></head>
<body>
<header>
<a class="brand" href="/ui/?lang={{lang}}">Vigie</a>
{{#signedIn}}
<nav aria-label="{{t.menu}}">
<a href="/ui/?lang={{lang}}">{{t.inbox}}</a>
<a href="/ui/portfolio?lang={{lang}}">{{t.portfolio}}</a>
<a href="/ui/sources?lang={{lang}}">{{t.sources}}</a>
<a href="/ui/deliveries?lang={{lang}}">{{t.deliveries}}</a>
</nav>
<form method="post" action="/ui/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{t.logout}} ({{actor}})</button></form>
{{/signedIn}}
<a class="lang" href="?lang={{other}}" hreflang="{{other}}">{{t.otherLanguage}}</a>
</header>
<main id="main">
{{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
{{{body}}}
</main>
</body></html>
"""#,
        "login": #"""
<h1>{{t.login}}</h1>
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
<form method="post" action="/ui/login?lang={{lang}}">
<label for="token">{{t.token}}</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">{{t.signIn}}</button>
</form>
<p class="hint">{{t.tokenHint}}</p>
"""#,
        "inbox": #"""
<h1>{{t.inbox}}</h1>
<form method="get" action="/ui/" class="filters">
<input type="hidden" name="lang" value="{{lang}}">
<label for="owner">{{t.owner}}</label><input id="owner" name="owner" value="{{owner}}">
<label for="severity">{{t.severity}}</label>
<select id="severity" name="severity"><option value="">{{t.any}}</option>{{#severities}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/severities}}</select>
<button type="submit">{{t.filter}}</button>
</form>
{{^cases}}<p>{{t.nothingOpen}}</p>{{/cases}}
{{#hasCases}}
<table>
<caption>{{t.inboxCaption}}</caption>
<thead><tr><th scope="col">{{t.severity}}</th><th scope="col">{{t.company}}</th><th scope="col">{{t.what}}</th><th scope="col">{{t.atStake}}</th><th scope="col">{{t.age}}</th><th scope="col">{{t.owner}}</th><th scope="col">{{t.nextAction}}</th></tr></thead>
<tbody>
{{#cases}}<tr class="{{severity}}">
<td><span class="badge {{severity}}">{{severityLabel}}</span></td>
<td><a href="/ui/companies/{{siren}}?lang={{lang}}">{{company}}</a></td>
<td><a href="/ui/cases/{{id}}?lang={{lang}}">{{title}}</a></td>
<td class="amount">{{exposure}}{{#uncovered}}<br><span class="muted">{{t.uncovered}} {{uncovered}}</span>{{/uncovered}}</td><td>{{age}}</td><td>{{owner}}</td>
<td>{{nextAction}}{{#deadline}}<br><strong>{{t.declareBy}} {{deadline}}</strong>{{/deadline}}</td>
</tr>{{/cases}}
</tbody></table>
{{/hasCases}}
"""#,
        "case": #"""
<h1><span class="badge {{severity}}">{{severityLabel}}</span> {{company}}</h1>
<p class="lead">{{title}} · <a href="/ui/companies/{{siren}}?lang={{lang}}">{{sirenLabel}}</a> · {{state}} · {{t.owner}}: {{owner}} · {{t.atStake}}: {{exposure}}</p>
{{> position}}
{{#claims}}<section class="claims"><h2>{{t.claims}}</h2>{{#amount}}<p>{{amount}}{{#amountAsOf}} <span class="muted">({{amountAsOf}})</span>{{/amountAsOf}}</p>{{/amount}}<p><strong>{{t.declareBy}} {{deadline}}</strong>{{#officer}} — {{officer}}{{/officer}}</p></section>{{/claims}}
{{#hasActions}}<section><h2>{{t.whatToDo}}</h2><ol>{{#actions}}<li>{{.}}</li>{{/actions}}</ol></section>{{/hasActions}}
{{#canAct}}
<section class="actions"><h2>{{t.act}}</h2>
<form method="post" action="/ui/cases/{{id}}/act?lang={{lang}}">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="note">{{t.note}}</label><input id="note" name="note">
<label for="to">{{t.assignTo}}</label><input id="to" name="to">
<label for="until">{{t.snoozeUntil}}</label><input id="until" name="until" type="date">
<div class="buttons">
<button name="action" value="ack">{{t.ack}}</button>
<button name="action" value="assign">{{t.assign}}</button>
<button name="action" value="snooze">{{t.snooze}}</button>
<button name="action" value="resolve">{{t.resolve}}</button>
<button name="action" value="reopen">{{t.reopen}}</button>
</div>
</form></section>
{{/canAct}}
<section><h2>{{t.timeline}}</h2>
<ol class="timeline">{{#facts}}<li class="{{severity}}"><p><span class="badge {{severity}}">{{severityLabel}}</span> <strong>{{title}}</strong> <span class="muted">[{{source}}, {{at}}{{#quiet}}, {{quiet}}{{/quiet}}]</span></p>
{{#evidence}}<dl>{{#facts}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/facts}}</dl>{{#courtText}}<blockquote>{{courtText}}</blockquote>{{/courtText}}{{#url}}<p><a href="{{url}}" rel="noopener noreferrer">{{t.notice}}</a></p>{{/url}}{{/evidence}}
</li>{{/facts}}</ol></section>
<section><h2>{{t.audit}}</h2><ul>{{#audit}}<li>{{at}} · {{actor}} · {{action}}{{#note}} · “{{note}}”{{/note}}</li>{{/audit}}</ul></section>
"""#,
        "company": #"""
<h1>{{company}} <span class="muted">{{sirenLabel}}</span></h1>
{{> position}}
<section><h2>{{t.scores}}</h2>{{#hasChart}}<figure>{{{chart}}}<figcaption>{{t.chartCaption}}</figcaption></figure>{{/hasChart}}{{^hasChart}}<p>{{t.noScores}}</p>{{/hasChart}}</section>
<section><h2>{{t.cases}}</h2><ul>{{#cases}}<li><a href="/ui/cases/{{id}}?lang={{lang}}">{{title}}</a> · {{state}}</li>{{/cases}}</ul></section>
<section><h2>{{t.bodacc}}</h2><ul>{{#notices}}<li>{{published}} · {{title}}{{#url}} · <a href="{{url}}" rel="noopener noreferrer">{{t.notice}}</a>{{/url}}</li>{{/notices}}</ul></section>
<section><h2>{{t.entries}}</h2><ul>{{#entries}}<li>{{watchlist}} · {{t.owner}}: {{owner}} · {{t.atStake}}: {{exposure}}</li>{{/entries}}</ul></section>
"""#,
        // Owed, covered, uncovered: on the case and the company pages.
        "position": #"""
{{#position}}<section class="position"><h2>{{t.moneyAtStake}}</h2><dl>
<dt>{{owedLabel}}</dt><dd>{{owed}}{{#owedDetail}} <span class="muted">({{owedDetail}})</span>{{/owedDetail}}</dd>
<dt>{{coveredLabel}}</dt><dd>{{covered}}{{#covers}} <span class="muted">— {{covers}}</span>{{/covers}}</dd>
<dt>{{uncoveredLabel}}</dt><dd><strong>{{uncovered}}</strong></dd>
</dl></section>{{/position}}
"""#,
        "portfolio": #"""
<h1>{{t.portfolio}}</h1>
{{#lists}}<section><h2>{{name}} <span class="muted">({{companies}} · {{exposure}}{{#uncovered}} · {{t.uncovered}} {{uncovered}}{{/uncovered}})</span></h2>
<h3>{{t.byBand}}</h3><table><tbody>{{#bands}}<tr><th scope="row">{{band}}</th><td class="amount">{{amount}}</td></tr>{{/bands}}</tbody></table>
<h3>{{t.byOwner}}</h3><table><tbody>{{#owners}}<tr><th scope="row">{{owner}}</th><td class="amount">{{amount}}</td></tr>{{/owners}}</tbody></table>
<h3>{{t.largest}}</h3><table><tbody>{{#largest}}<tr><td><a href="/ui/companies/{{siren}}?lang={{lang}}">{{name}}</a></td><td>{{band}}</td><td class="amount">{{amount}}{{#uncovered}}<br><span class="muted">{{t.uncovered}} {{uncovered}}</span>{{/uncovered}}</td><td>{{owner}}</td></tr>{{/largest}}</tbody></table>
</section>{{/lists}}
"""#,
        "sources": #"""
<h1>{{t.sources}}</h1>
<table><thead><tr><th scope="col">{{t.source}}</th><th scope="col">{{t.state}}</th><th scope="col">{{t.lastPoll}}</th><th scope="col">{{t.lastError}}</th></tr></thead>
<tbody>{{#sources}}<tr><td>{{source}}</td><td>{{state}}</td><td>{{lastPoll}}</td><td>{{lastError}}</td></tr>{{/sources}}</tbody></table>
"""#,
        "deliveries": #"""
<h1>{{t.deliveries}}</h1>
{{^dead}}<p>{{t.noDead}}</p>{{/dead}}
{{#hasDead}}<table><caption>{{t.deadCaption}}</caption><thead><tr><th scope="col">{{t.channel}}</th><th scope="col">{{t.alert}}</th><th scope="col">{{t.why}}</th><th scope="col"></th></tr></thead>
<tbody>{{#dead}}<tr><td>{{channel}}</td><td>{{alertID}}</td><td>{{reason}}</td><td>{{#canAct}}<form method="post" action="/ui/deliveries/redeliver?lang={{lang}}"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="alert_id" value="{{alertID}}"><button>{{t.redeliver}}</button></form>{{/canAct}}</td></tr>{{/dead}}</tbody></table>{{/hasDead}}
"""#,
    ]

    static let stylesheet = """
        :root { --critical: #b00020; --high: #e65100; --warning: #8a6d00; --info: #1565c0; font-family: system-ui, sans-serif; }
        body { margin: 0; color: #1b1b1b; background: #fafafa; }
        header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem; background: #12263a; color: #fff; flex-wrap: wrap; }
        header a, header button { color: #fff; }
        header button { background: transparent; border: 1px solid #fff; border-radius: .25rem; padding: .2rem .5rem; cursor: pointer; }
        header nav { display: flex; gap: 1rem; }
        .brand { font-weight: 700; text-decoration: none; }
        .lang { margin-left: auto; }
        main { padding: 1rem; max-width: 75rem; }
        table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; background: #fff; }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
        .amount { text-align: right; font-variant-numeric: tabular-nums; }
        .badge { display: inline-block; padding: .1rem .4rem; border-radius: .25rem; color: #fff; font-size: .85em; }
        .badge.critical { background: var(--critical); } .badge.high { background: var(--high); }
        .badge.warning { background: var(--warning); } .badge.info { background: var(--info); }
        .muted { color: #555; }
        a:focus, button:focus, input:focus, select:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
        form.inline { display: inline; } .filters { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
        .actions form { display: grid; gap: .4rem; max-width: 32rem; } .buttons { display: flex; gap: .4rem; flex-wrap: wrap; }
        .timeline li { margin-bottom: 1rem; } blockquote { border-left: 3px solid #ccc; margin: .4rem 0; padding-left: .6rem; }
        .notice { background: #e7f3e7; padding: .5rem; } .error { background: #fde7e7; padding: .5rem; }
        svg { background: #fff; max-width: 100%; height: auto; }
        """
}
