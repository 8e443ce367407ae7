/** Card styles, inside the closed shadow root: the page cannot restyle the card and the card cannot leak styles into the page. */
export const CARD_CSS = `
:host{all:initial}
*{box-sizing:border-box}
.sw-root{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC","Microsoft YaHei",sans-serif;color:#1b1b1b}
.sw-card{position:fixed;z-index:2147483646;width:min(400px,calc(100vw - 16px));overflow:auto;background:#fff;color:#1b1b1b;border:1px solid #8c8c8c;border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.25);padding:12px 14px;text-align:start}
.sw-card:focus-within{outline:2px solid #1d4f9c;outline-offset:2px}
.sw-card-header{display:flex;justify-content:space-between;align-items:center;margin-block-end:4px}
.sw-brand{font-weight:600;font-size:12px;letter-spacing:.02em;color:#4a4a4a;text-transform:uppercase}
.sw-close{all:unset;cursor:pointer;font-size:20px;line-height:1;padding:2px 8px;border-radius:4px;color:#1b1b1b}
.sw-close:focus-visible,.sw-linklike:focus-visible,a:focus-visible{outline:2px solid #1d4f9c;outline-offset:1px}
.sw-mention{margin:0 0 8px;color:#3d3d3d;font-size:13px}
h2{font-size:16px;margin:8px 0 4px}
h3{font-size:13px;margin:8px 0 4px;color:#333}
p{margin:4px 0}
.sw-claim-text{font-weight:600}
.sw-meta{font-size:12px;color:#4d4d4d}
.sw-muted{color:#575757;font-size:13px}
.sw-status{display:inline-block;font-size:12px;font-weight:600;border-radius:10px;padding:1px 8px;border:1px solid currentColor;margin:2px 0}
.sw-status-reported{color:#6b5400;background:#fff7d1}
.sw-status-disputed{color:#4b2f86;background:#f1e9ff}
.sw-status-denied-by-china{color:#16427f;background:#e6f0ff}
.sw-status-confirmed-by-court,.sw-status-confirmed-by-authorities{color:#8a1f0a;background:#ffe9e4}
[class*="sw-status-station-"]{color:#333;background:#f2f2f2}
.sw-sides{display:grid;grid-template-columns:1fr 1fr;gap:10px}
@media (max-width:480px){.sw-sides{grid-template-columns:1fr}}
ul,ol{margin:4px 0;padding-inline-start:18px}
li{margin:2px 0}
blockquote{margin:4px 0;padding-inline-start:8px;border-inline-start:3px solid #9a9a9a;font-style:italic}
.sw-facts{display:grid;grid-template-columns:auto 1fr;gap:2px 8px;margin:6px 0;font-size:13px}
.sw-facts dt{color:#4d4d4d}
.sw-facts dd{margin:0}
.sw-disputed{background:#f6f0ff;border-inline-start:3px solid #5b3a9b;padding:4px 8px;font-size:13px}
.sw-sources summary{cursor:pointer;font-size:13px;color:#1d4f9c;margin-top:6px}
a{color:#1d4f9c}
.sw-card-footer{margin-top:10px;border-top:1px solid #ddd;padding-top:6px;font-size:12px;color:#4d4d4d;display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center}
.sw-linklike{all:unset;cursor:pointer;color:#1d4f9c;text-decoration:underline}
.sw-error{color:#8a1f0a}
.sw-live{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (prefers-color-scheme:dark){
 .sw-card{background:#1e1f22;color:#ececec;border-color:#6b6b6b}
 .sw-close{color:#ececec}
 .sw-mention,.sw-meta,.sw-brand,.sw-facts dt,.sw-card-footer{color:#c4c4c4}
 .sw-muted{color:#b5b5b5}
 h3{color:#dedede}
 a,.sw-linklike,.sw-sources summary{color:#9cc3ff}
 .sw-status-reported{color:#ffe27a;background:#3a3000}
 .sw-status-disputed{color:#d9c7ff;background:#2c1d4a}
 .sw-status-denied-by-china{color:#b5d2ff;background:#132848}
 .sw-status-confirmed-by-court,.sw-status-confirmed-by-authorities{color:#ffb4a3;background:#4a140a}
 [class*="sw-status-station-"]{color:#e0e0e0;background:#333}
 .sw-disputed{background:#2a2140}
 .sw-card-footer{border-color:#444}
}
`;

/** Annotation editor, adder button and toast (same shadow root). */
export const ANNOTATION_CSS = `
.sw-editor label{display:block;margin:6px 0;font-size:13px}
.sw-editor textarea,.sw-editor input[type=text],.sw-editor input[type=search],.sw-editor select{display:block;width:100%;font:inherit;font-size:13px;padding:4px 6px;border:1px solid #8c8c8c;border-radius:4px;background:#fff;color:#1b1b1b}
.sw-editor fieldset{border:1px solid #d0d0d0;border-radius:6px;margin:6px 0;padding:4px 8px}
.sw-editor legend{font-size:13px;font-weight:600}
.sw-inline{display:flex !important;gap:6px;align-items:flex-start}
.sw-verdicts{display:grid;grid-template-columns:1fr 1fr}
.sw-source-picks{max-height:140px;overflow:auto;font-size:12px}
.sw-row{display:flex;gap:8px;margin-top:8px;flex-wrap:wrap}
.sw-row button,.sw-toast button{font:inherit;font-size:13px;padding:4px 10px;border-radius:6px;border:1px solid #8c8c8c;background:#f2f2f2;color:#1b1b1b;cursor:pointer}
.sw-primary{background:#1d4f9c !important;color:#fff !important;border-color:#1d4f9c !important}
.sw-quote{font-style:normal;color:#333}
.sw-adder{position:fixed;z-index:2147483646;font:600 13px/1 system-ui,sans-serif;padding:6px 10px;border-radius:16px;border:1px solid #176b3a;background:#d5f5e3;color:#0b3d20;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.2)}
.sw-toast{position:fixed;z-index:2147483646;bottom:16px;inset-inline-start:16px;display:flex;gap:8px;align-items:center;background:#1e1f22;color:#fff;padding:8px 12px;border-radius:8px;font:13px system-ui,sans-serif}
.sw-verdict-accurate,.sw-verdict-mostly-accurate{color:#176b3a;background:#e3f7ea}
.sw-verdict-missing-context,.sw-verdict-unproven{color:#6b5400;background:#fff7d1}
.sw-verdict-misleading,.sw-verdict-false{color:#8a1f0a;background:#ffe9e4}
.sw-note p{margin:4px 0}
@media (prefers-color-scheme:dark){
 .sw-editor textarea,.sw-editor input[type=text],.sw-editor input[type=search],.sw-editor select{background:#2a2b2f;color:#ececec;border-color:#6b6b6b}
 .sw-row button{background:#333;color:#ececec}
 .sw-quote{color:#dedede}
}
`;
