// The private-address rules of webhook URLs: Python's ipaddress.is_global with MLflow's handling
// of IPv6 forms that embed IPv4; the expected values were computed with MLflow's `_is_public_ip`.
import { describe, expect, it } from "vitest";
import { isPublicIp, validateWebhookUrl } from "../../../src/webhooks/url-policy";

const TABLE: [string, boolean][] = [
  ["8.8.8.8", true], ["10.1.2.3", false], ["100.64.0.1", false], ["100.128.0.1", true], ["127.0.0.1", false], ["169.254.169.254", false],
  ["172.16.0.1", false], ["172.32.0.1", true], ["192.0.0.9", true], ["192.0.2.1", false], ["192.168.1.1", false], ["198.18.0.1", false],
  ["224.0.0.1", true], ["240.0.0.1", false], ["255.255.255.255", false], ["0.0.0.0", false], ["::1", false], ["::", false],
  ["2606:4700::1111", true], ["::ffff:10.0.0.1", false], ["::ffff:8.8.8.8", true], ["2002:0a00:0001::", false], ["2002:0808:0808::", true],
  ["64:ff9b::10.0.0.1", false], ["64:ff9b::8.8.8.8", true], ["fc00::1", false], ["fe80::1", false], ["2001:db8::1", false], ["ff02::1", true],
  ["2001::1", false], ["100::1", false],
];

describe("webhook URL policy", () => {
  it("classifies addresses as MLflow does", () => {
    expect(TABLE.map(([ip]) => [ip, isPublicIp(ip)])).toEqual(TABLE);
    expect(isPublicIp("example.com")).toBeNull();
    expect(isPublicIp("256.1.1.1")).toBeNull();
  });

  it("checks scheme, host and literal addresses without any lookup", async () => {
    const strict = { allowedSchemes: ["https"], allowPrivateIps: false, dnsResolver: "http://127.0.0.1:1/unused" };
    await expect(validateWebhookUrl("http://8.8.8.8/x", strict)).rejects.toThrow("Invalid webhook URL scheme: 'http'. Allowed schemes are: https.");
    await expect(validateWebhookUrl("https://", strict)).rejects.toThrow("Webhook URL must include a hostname: 'https://'");
    await expect(validateWebhookUrl("  ", strict)).rejects.toThrow("Webhook URL cannot be empty or just whitespace: '  '");
    await expect(validateWebhookUrl("https://0x7f.1/x", strict)).rejects.toThrow("'127.0.0.1' resolves to 127.0.0.1.");
    await expect(validateWebhookUrl("https://app.localhost/x", strict)).rejects.toThrow("'app.localhost' resolves to 127.0.0.1.");
    await expect(validateWebhookUrl("https://8.8.8.8/x", strict)).resolves.toBeUndefined();
    await expect(validateWebhookUrl("http://10.0.0.1/x", { ...strict, allowedSchemes: ["http"], allowPrivateIps: true })).resolves.toBeUndefined();
  });
});
