// What an API key may do: every key may send; "send_read" may also read and cancel messages.
export const KEY_PERMISSIONS = {
  send: "Send",
  send_read: "Send and read",
} as const;

export type KeyPermission = keyof typeof KEY_PERMISSIONS;

export function isKeyPermission(value: string): value is KeyPermission {
  return Object.hasOwn(KEY_PERMISSIONS, value);
}
