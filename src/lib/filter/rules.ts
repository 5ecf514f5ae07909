import type { CompareOp, FilterNode } from './ast.ts';

export type FilterRules = {
  allowNot: boolean;
  /** returns the operators allowed on that attribute path, or null when the path is not a known field */
  operatorsFor(path: string): ReadonlySet<CompareOp | 'pr'> | null;
};

export type FilterRuleError = {
  kind: 'UNKNOWN_FIELD' | 'UNSUPPORTED_OPERATOR' | 'NOT_UNSUPPORTED';
  message: string;
  path?: string;
  op?: string;
};

export type CheckResult = { ok: true } | { ok: false; error: FilterRuleError };

const OK: CheckResult = { ok: true };

function checkLeaf(path: string, op: CompareOp | 'pr', rules: FilterRules): CheckResult {
  const allowed = rules.operatorsFor(path);
  if (allowed === null) {
    return { ok: false, error: { kind: 'UNKNOWN_FIELD', message: `field is not valid: ${path}`, path } };
  }
  if (!allowed.has(op)) {
    const message = 'The supplied combination of operator and field is not currently supported. ' +
      `Operator: ${op}, Field: ${path}`;
    return { ok: false, error: { kind: 'UNSUPPORTED_OPERATOR', message, path, op } };
  }
  return OK;
}

/** Reports the first rule violation in reading order, so the error points at what the caller wrote first. */
export function checkFilter(node: FilterNode, rules: FilterRules): CheckResult {
  switch (node.kind) {
    case 'compare':
      return checkLeaf(node.path, node.op, rules);
    case 'present':
      return checkLeaf(node.path, 'pr', rules);
    case 'not':
      if (!rules.allowNot) {
        return { ok: false, error: { kind: 'NOT_UNSUPPORTED', message: "The 'not' operator is not supported here" } };
      }
      return checkFilter(node.expr, rules);
    case 'and':
    case 'or': {
      const left = checkFilter(node.left, rules);
      return left.ok ? checkFilter(node.right, rules) : left;
    }
  }
}
