/** The pages' one stylesheet, inline under the response's nonce: the page loads nothing from anywhere. */
export const PAGE_STYLE = `
*{box-sizing:border-box}
html,body{height:100%}
body{margin:0;display:flex;flex-direction:column;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#f3f4f6}
.bar{display:flex;align-items:center;justify-content:space-between;gap:1rem;flex-wrap:wrap;padding:.7rem 1.25rem;background:#fff;border-bottom:1px solid #d8dee4}
footer.bar{border-top:1px solid #d8dee4;border-bottom:0}
.doc{min-width:0}
h1{font-size:1.15rem;line-height:1.3;margin:0;overflow-wrap:anywhere}
.meta{margin:.15rem 0 0;color:#59636e;font-size:.85rem}
.facts{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;font-size:.85rem;color:#59636e}
.badge{display:inline-block;padding:.1rem .6rem;border-radius:999px;font-weight:600;font-size:.78rem;background:#eef1f4;color:#1f2328}
.badge.edit{background:#dafbe1;color:#116329}
.badge.view{background:#ddf4ff;color:#0a4b8c}
.badge.user{font-weight:500}
main{flex:1;display:flex;min-height:0;padding:1rem 1.25rem}
textarea{flex:1;width:100%;min-height:12rem;resize:none;padding:1rem 1.1rem;border:1px solid #d0d7de;border-radius:8px;background:#fff;color:#1f2328;font:14px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;tab-size:4}
textarea:focus{outline:2px solid #0969da;outline-offset:-1px}
textarea[readonly]{background:#fafbfc}
.preview{flex:1;margin:0;display:flex;align-items:center;justify-content:center;min-height:0}
.preview img{max-width:100%;max-height:100%;object-fit:contain;background:#fff;border:1px solid #d0d7de;border-radius:8px}
.preview object{width:100%;height:100%;min-height:20rem;border:1px solid #d0d7de;border-radius:8px;background:#fff}
.card{margin:auto;max-width:30rem;text-align:center;padding:2rem 2.25rem;background:#fff;border:1px solid #d0d7de;border-radius:12px}
.card h1{margin-bottom:.5rem}
.card p{color:#59636e}
.button,button{display:inline-block;font:inherit;font-size:.9rem;font-weight:600;padding:.4rem 1.1rem;border-radius:6px;border:1px solid #1a7f37;background:#1f883d;color:#fff;cursor:pointer;text-decoration:none}
button:disabled{opacity:.45;cursor:default}
.actions{display:flex;align-items:center;gap:1rem}
.actions a{color:#0969da;font-size:.9rem}
.hint{color:#8c959f;font-size:.8rem}
#status{font-size:.88rem;color:#59636e}
#status.ok{color:#116329}
#status.warn{color:#9a6700}
#status.bad{color:#d1242f}
.banner{padding:.75rem 1.25rem;background:#ffebe9;color:#82071e;border-bottom:1px solid #ffcecb;font-weight:600}
body.ended main{opacity:.55}
`;
