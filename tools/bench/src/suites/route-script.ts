/**
 * The script the `route` suite runs: a request route of the checks a proxy makes before it
 * relays (method, in-dialog, R-URI shape, caller), written for this bench. It only reads the
 * message and sets $var: nothing is sent, so the timing is the script engine alone.
 */

/** Loaded modules: sipmsgops for is_method() and has_totag(); nothing that sends. */
const HEADER = 'log_level = 1\nloadmodule "sipmsgops"\n';

export const ROUTE_SCRIPT = `
route {
    $var(score) = 0;
    if (is_method("INVITE|MESSAGE")) {
        $var(score) = $var(score) + 10;
    }
    if ($rm == "INVITE") {
        $var(kind) = "call";
    } else {
        $var(kind) = "other";
    }
    if (has_totag()) {
        $var(dialog) = 1;
    } else {
        $var(dialog) = 0;
    }
    if ($ru =~ "^sip:\\+?[0-9]+@") {
        $var(score) = $var(score) * 2 + 1;
    }
    if ($fU == "alice") {
        $var(caller) = "known";
    } else {
        $var(caller) = "unknown";
    }
    if ($var(score) > 20 && $var(dialog) == 0) {
        $var(prio) = $var(score) - 20;
    }
    route(classify);
    if ($var(class) == "e164" && $ru != "sip:blocked@example.com") {
        $var(score) = $var(score) + 5;
    }
    exit;
}

route[classify] {
    if ($rU =~ "^\\+49") {
        $var(class) = "e164";
    } else {
        $var(class) = "other";
    }
}
`;

/** The baseline: the cost of running a route at all (context, engine entry, flow code). */
export const EMPTY_SCRIPT = '\nroute {\n}\n';

export const ROUTE_CONFIG = HEADER + ROUTE_SCRIPT;
export const EMPTY_CONFIG = HEADER + EMPTY_SCRIPT;

/**
 * $var values ROUTE_SCRIPT leaves after running on the suite's INVITE (R-URI
 * sip:+4930123456@..., From alice, no To tag): the check that the route really ran.
 */
export const ROUTE_EXPECT: Readonly<Record<string, string | number>> = {
  score: 26, kind: 'call', dialog: 0, caller: 'known', prio: 1, class: 'e164',
};

/**
 * Statements in a route text: every `if` plus every statement ended by `;` (assignments,
 * calls, exit). `else` and braces are not statements. Comments and string literals are
 * removed first, so a `;` or `if` inside them does not count.
 */
export function countStatements(text: string): number {
  const code = text
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/#[^\n]*/g, '');
  return (code.match(/\bif\s*\(/g)?.length ?? 0) + (code.match(/;/g)?.length ?? 0);
}
