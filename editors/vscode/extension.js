// Starts `writ lsp` for .policy files. Everything the editor shows (diagnostics, formatting,
// navigation, hover, completion, outline) comes from the server; this file only launches it.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('writ');
  const command = config.get('path') || 'writ';
  // No `transport` option: with one, the client would add `--stdio` to the arguments.
  const serverOptions = { command, args: ['lsp'] };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'writ-policy' }],
    initializationOptions: { policyDirectory: config.get('policyDirectory') || '' },
    synchronize: {
      // Files changed outside the editor (git checkout, writ fmt) are checked again.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.policy')
    }
  };
  client = new LanguageClient('writ', 'Writ', serverOptions, clientOptions);
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('writ')) {
      vscode.window.showInformationMessage('Writ: reload the window to use the new settings.');
    }
  }));
  return client.start().catch((err) => {
    vscode.window.showErrorMessage(`Writ: could not start \`${command} lsp\` (${err.message}). `
      + 'Set `writ.path` to the writ command.');
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
