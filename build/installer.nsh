; Uninstall keeps the gateway's data (%USERPROFILE%\.openclaw: config, sessions, device keys)
; unless the user says otherwise, and says so either way. Silent uninstalls (updates) keep it.
!macro customUnInstall
  ${ifNot} ${isUpdated}
    IfSilent keep
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "Also delete your OpenClaw data in $PROFILE\.openclaw (configuration, conversations, paired devices)?$\r$\n$\r$\nChoose No to keep it for a later install." IDNO keep
      RMDir /r "$PROFILE\.openclaw"
      Goto done
    keep:
      DetailPrint "Kept $PROFILE\.openclaw (your configuration and conversations)."
    done:
  ${endIf}
!macroend
