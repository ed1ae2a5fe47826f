// Where the address being typed starts in a comma-separated recipients field.

/** A comma-separated field's value split at the address being typed (after "Name <" if any). */
export function splitTyping(value: string): { head: string; typing: string } {
  const comma = value.lastIndexOf(",");
  let head = comma < 0 ? "" : value.slice(0, comma + 1);
  let rest = comma < 0 ? value : value.slice(comma + 1);
  const spaces = rest.length - rest.trimStart().length;
  head += rest.slice(0, spaces);
  rest = rest.slice(spaces);
  const angle = rest.lastIndexOf("<");
  if (angle >= 0) {
    head += rest.slice(0, angle + 1);
    rest = rest.slice(angle + 1);
  }
  return { head, typing: rest };
}
